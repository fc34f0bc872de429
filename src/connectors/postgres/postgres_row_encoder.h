#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "types/batch.h"
#include "types/logical_type.h"

namespace sluice::connectors {

/// Encodes rows of a Batch for PostgreSQL: as lines of `COPY ... FROM STDIN` text format
/// (tab-separated, backslash-escaped, `\N` for NULL) or as parenthesised lists of SQL literals
/// for INSERT ... VALUES and DELETE ... WHERE ... IN. Values are written in PostgreSQL's text
/// input form for the target column's type (from the catalog).
///
/// Which conversions exist is decided once, at Create: a pipeline column that cannot be written
/// to its target type is an error naming the column, both types and the table. Encode-time
/// checks depend on the data (an integer out of an int2/int4 range) and are kDataError naming
/// the column and the value. Immutable after Create; usable from one thread at a time.
class PostgresRowEncoder {
 public:
  /// One target column: the batch column it takes its values from and both types.
  struct ColumnSpec {
    size_t batch_column = 0;
    std::string name;             // the PostgreSQL column's name
    LogicalType source;           // the pipeline column's type
    std::string target_type;      // pg_type.typname, e.g. "int4"
    std::string target_spelling;  // format_type(), for messages
  };

  /// Checks every mapping; `table` ("schema.t") is named in errors.
  static Result<PostgresRowEncoder> Create(std::vector<ColumnSpec> columns, std::string table);

  /// Appends row `row` of `batch` as one COPY text line (ending in a newline).
  Status AppendCopyRow(const Batch& batch, size_t row, std::string* out) const;
  /// Appends "(v, ...)" for the columns at `indexes` (into the specs) as SQL literals.
  Status AppendLiteralRow(const Batch& batch, size_t row, const std::vector<size_t>& indexes,
                          std::string* out) const;

  const std::vector<ColumnSpec>& columns() const { return columns_; }

  /// Returns true when a value of `source` can be written to a column of PostgreSQL type
  /// `target_type` (a pg_type.typname).
  static bool CanEncode(const LogicalType& source, const std::string& target_type);

 private:
  /// Appends the value's text input form; returns false (appending nothing) for NULL.
  Result<bool> AppendText(const ColumnSpec& spec, const Column& column, size_t row,
                          std::string* out) const;

  std::vector<ColumnSpec> columns_;
  std::string table_;
};

}  // namespace sluice::connectors
