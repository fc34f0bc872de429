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
/// Encoding is column-at-a-time into a pre-sized buffer: a first pass computes every row's size
/// (fixed widths plus string lengths), the buffer grows once, then each column writes its values
/// at its rows' cursors with a loop chosen at Create for its conversion and width (no per-value
/// type switch or virtual call, no per-value allocation). JSON arrays and nested values are
/// encoded in the first pass into a scratch buffer and copied. ROW, ARRAY and MAP go into Tuple
/// (same arity), Array and Map of element types they convert to (integers, floats, strings,
/// dates and times), or into String as JSON; ClickHouse has no Nullable Tuple, Array or Map, so
/// a NULL ROW is written as a tuple of its NULL fields and a NULL ARRAY or MAP as an empty one
/// (a NULL element of a non-Nullable element type as the type's default).
///
/// Which conversions exist is decided once, at Create: a pipeline column that cannot be encoded
/// into its target type is an error naming the column, both types and the table. What remains
/// for Encode are value checks that depend on the data (an integer out of an unsigned range, a
/// string that is not an enum name, NULL into a column that is not Nullable), reported as
/// kDataError naming the column and the value.
///
/// Immutable after Create but for scratch space reused by Encode: Encode may be called from any
/// one thread at a time.
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
  /// caller truncates it to the size it had before. The bytes depend on the rows only. When
  /// several values do not fit, the one reported is the first in column order.
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
    kNested,      // ROW, ARRAY, MAP into Tuple, Array, Map
    kNestedJson,  // ROW, ARRAY, MAP into String, as JSON text
  };
  struct Plan;
  /// Writes one column's values of the first `rows` rows at `base + cursors[row]` and advances
  /// each cursor; returns the first row whose value does not fit, or kAllFit.
  using ColumnFn = size_t (*)(const Plan& plan, const Column& column, size_t rows, char* base,
                              size_t* cursors);
  static constexpr size_t kAllFit = static_cast<size_t>(-1);
  struct Plan {
    ColumnSpec spec;
    Op op = Op::kString;
    __int128 factor = 1;  // scale multiplier (or divisor for DateTime64 with precision < 3)
    bool divide = false;
    std::map<std::string, int, std::less<>> enum_values;
    int width = 0;               // bytes of a non-NULL value; 0 for String and Array
    int64_t min = 0, max = 0;    // the target's integer range, clamped to int64 (kIntToInt)
    __int128 decimal_limit = 0;  // 10^precision (Decimal targets)
    ColumnFn encode = nullptr;   // nullptr for kJsonArray and nested (copied from the first pass)
  };

 private:
  // Adds the bytes column `index` takes in each row to `sizes` beyond the fixed part; encodes
  // JSON arrays into the scratch space.
  Status AddVariableSizes(size_t index, const Column& column, size_t rows, size_t* sizes) const;
  Status NullError(const Plan& plan) const;
  Status ValueError(const Plan& plan, const Column& column, size_t row) const;
  Status NestedValueError(const Plan& plan, const Column& column, size_t row) const;

  std::vector<Plan> plans_;
  std::string table_;
  size_t fixed_row_bytes_ = 0;  // the fixed-width columns' bytes of a row without NULLs

  // Scratch space of Encode, kept to reuse its memory.
  mutable std::vector<size_t> cursors_;
  mutable std::vector<std::string> pieces_;                // per plan: its JSON arrays' bytes
  mutable std::vector<std::vector<size_t>> piece_starts_;  // per plan: row -> start in pieces_
};

}  // namespace sluice::connectors
