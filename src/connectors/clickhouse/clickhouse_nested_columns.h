#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/clickhouse/clickhouse_table_schema.h"
#include "connectors/clickhouse/row_binary_encoder.h"
#include "types/batch.h"

namespace sluice::connectors {

/// Writes pipeline columns of type ARRAY<ROW<f1 t1, ...>> into ClickHouse `Nested` columns,
/// which DESCRIBE TABLE shows (and INSERT takes) as parallel arrays `name.f1 Array(T1)`, ...,
/// all of one length per row: element i of `name.fk` is field fk of the ARRAY's element i (NULL
/// for a NULL element; a NULL ARRAY is empty, as ClickHouse has no Nullable(Array)). This is how
/// ClickHouse 18.16 stores arrays of records; it also splits an `Array(Tuple(..))` column into
/// such arrays, named by position (`name.1`, `name.2`), which are taken when no array is named
/// after the field.
/// Built once when the sink opens; immutable after.
class ClickHouseNestedColumns {
 public:
  /// Maps batch column `source` (`name`, of `type`) to the table's `name.<field>` (or
  /// `name.<position>`) columns when
  /// `type` is an ARRAY<ROW> and the table has them: adds one encoder spec per field, reading
  /// batch column `first_column + k` for the k-th field added so far, and appends the quoted
  /// column names to `columns`. Returns false when the table has no `name.` columns; an error
  /// naming the missing field when it has some but not all.
  Result<bool> Add(size_t source, const std::string& name, const LogicalType& type,
                   const ClickHouseTableSchema& table, size_t first_column,
                   std::vector<RowBinaryEncoder::ColumnSpec>* specs, std::string* columns);

  bool empty() const { return splits_.empty(); }

  /// Returns `batch` with one more column per added field (the parallel arrays), in order.
  Batch Expand(const Batch& batch) const;

 private:
  struct Split {
    size_t source;  // the ARRAY<ROW> column of the batch
    size_t field;   // the ROW field
  };
  std::vector<Split> splits_;
};

}  // namespace sluice::connectors
