#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "types/batch.h"

namespace sluice::runtime {

/// Mutable columns being filled by a decoder, one per field of the decoded schema.
class BatchBuilder {
 public:
  explicit BatchBuilder(SchemaPtr schema);

  const Schema& schema() const { return *schema_; }
  Column& column(size_t i) { return *columns_[i]; }
  size_t num_rows() const { return rows_; }
  /// Declares the current row complete: every column has one more value.
  void CommitRow() { ++rows_; }
  /// Declares the current row complete with change `kind` (changelog formats). Batches whose
  /// rows are all inserts carry no row kinds.
  void CommitRow(RowKind kind);
  /// Drops values appended since the last CommitRow (a record that turned out bad).
  void RollbackRow();
  /// Returns the batch built so far and starts a new one.
  BatchPtr Finish();

 private:
  SchemaPtr schema_;
  std::vector<std::shared_ptr<Column>> columns_;
  size_t rows_ = 0;
  std::vector<RowKind> row_kinds_;  // empty while every row is an insert
};

/// Turns one record's bytes (a JSON object, a CSV line) into one row of the decoded schema.
/// Reads only the fields of that schema. Not thread-safe; one per source split or reader.
class RecordDecoder {
 public:
  virtual ~RecordDecoder() = default;
  /// Appends one row to `out` and commits it; or, for a bad record, appends nothing and returns
  /// kDataError saying what is wrong (field name, expected type). A record that the format says
  /// to skip (e.g. ignore-parse-errors) returns Ok without a row.
  virtual Status Decode(std::string_view record, BatchBuilder* out) = 0;
};

/// Turns rows into a record's bytes for sinks.
class RecordEncoder {
 public:
  virtual ~RecordEncoder() = default;
  /// Appends row `row` of `batch` to `out`, without a trailing newline. Returns kDataError when
  /// the row has a value the format cannot write (`out` then holds a partial record).
  [[nodiscard]] virtual Status Encode(const Batch& batch, size_t row, std::string* out) = 0;
};

}  // namespace sluice::runtime
