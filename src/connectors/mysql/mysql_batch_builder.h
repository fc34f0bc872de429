#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/bad_record_reporter.h"
#include "types/batch.h"

namespace sluice::connectors {

/// Builds the batches of a mysql-cdc source from rows whose values are MySQL text (see
/// BinlogRowDecoder): converts each value to its declared column type, adds the metadata
/// columns and the row kinds. Used by the reader's thread only.
class MySqlBatchBuilder {
 public:
  /// What an output field holds.
  enum class FieldKind { kColumn, kDatabaseName, kTableName, kOpTs };
  struct Field {
    FieldKind kind = FieldKind::kColumn;
    std::string name;  // the output field's name, matched to a MySQL column for kColumn
  };
  /// How the output fields map onto one MySQL table's columns.
  struct TableBinding {
    std::string database;
    std::string table;
    std::vector<int> columns;   // per output field: the table column index, or -1
    std::vector<bool> instant;  // per output field: the MySQL column is a TIMESTAMP (UTC)
  };

  /// `zone_offset_ms` is 'server-time-zone' east of UTC: MySQL TIMESTAMP values become wall
  /// time there in TIMESTAMP columns, DATETIME values are read there for TIMESTAMP_LTZ columns.
  MySqlBatchBuilder(std::string table_name, SchemaPtr schema, std::vector<Field> fields,
                    int64_t zone_offset_ms, runtime::BadRecordReporter* reporter);

  const std::vector<Field>& fields() const { return fields_; }
  size_t num_rows() const { return num_rows_; }
  /// Appends one row. A value that is not of its column's type becomes NULL and is reported to
  /// the BadRecordReporter with `location`.
  void Append(RowKind kind, const TableBinding& binding,
              const std::vector<std::optional<std::string>>& values, int64_t op_ts_ms,
              const std::string& location);
  /// Returns the rows appended since the last Finish and starts a new batch.
  BatchPtr Finish();

 private:
  void AppendValue(size_t field, const std::optional<std::string>& value, bool instant,
                   const std::string& location);

  std::string table_name_;
  SchemaPtr schema_;
  std::vector<Field> fields_;
  int64_t zone_offset_ms_;
  runtime::BadRecordReporter* reporter_;
  std::vector<std::shared_ptr<Column>> columns_;
  std::vector<RowKind> kinds_;
  size_t num_rows_ = 0;
};

}  // namespace sluice::connectors
