#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/clickhouse/clickhouse_type.h"
#include "types/batch.h"
#include "types/logical_type.h"

namespace sluice::connectors {

/// Encodes the rows of a Batch in ClickHouse's RowBinary format, one target column after another
/// per row, each value converted to the target column's real type (from DESCRIBE TABLE).
///
/// Which conversions exist is decided once, at Create: a pipeline column that cannot be encoded
/// into its target type is an error naming the column, both types and the table. What remains
/// for Encode are value checks that depend on the data (an integer out of an unsigned range, a
/// string that is not an enum name, NULL into a column that is not Nullable), reported as
/// kDataError naming the column and the value.
///
/// Immutable after Create; Encode may be called from any one thread at a time.
class RowBinaryEncoder {
 public:
  /// One target column: the batch column it takes its values from and both types.
  struct ColumnSpec {
    size_t batch_column = 0;
    std::string name;
    LogicalType source;
    ClickHouseType target;
  };

  /// Checks every mapping; `table` ("db.t") is named in errors.
  static Result<RowBinaryEncoder> Create(std::vector<ColumnSpec> columns, std::string table);

  /// Appends every row of `batch` to `out`. On error `out` may hold part of the batch; the
  /// caller truncates it to the size it had before.
  Status Encode(const Batch& batch, std::string* out) const;

  size_t num_columns() const { return plans_.size(); }

  /// How a value is converted; public for the implementation's helpers only.
  enum class Op {
    kBoolToInt,
    kIntToInt,
    kIntToFloat32,
    kIntToFloat64,
    kDoubleToFloat32,
    kDoubleToFloat64,
    kDecimalToFloat32,
    kDecimalToFloat64,
    kIntToDecimal,
    kDoubleToDecimal,
    kString,
    kFixedString,
    kEnum,
    kUuid,
    kDateToDate,
    kDateToDateTime,
    kDateToDateTime64,
    kMillisToDateTime,
    kMillisToDateTime64,
    kJsonArray,
  };
  struct Plan {
    ColumnSpec spec;
    Op op = Op::kString;
    int64_t factor = 1;  // scale multiplier (or divisor for DateTime64 with precision < 3)
    bool divide = false;
    std::map<std::string, int, std::less<>> enum_values;
  };

 private:
  Status EncodeCell(const Plan& plan, const Column& column, size_t row, std::string* out) const;

  std::vector<Plan> plans_;
  std::string table_;
};

}  // namespace sluice::connectors
