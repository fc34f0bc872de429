#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "types/column.h"
#include "types/row_kind.h"
#include "types/schema.h"

namespace sluice {

/// A schema, one column per field and the same number of rows in each: the unit operators
/// exchange. Immutable once shared as BatchPtr.
///
/// Two optional per-row side columns travel with the rows:
/// - `row_kinds`: the change each row carries when the stream is a changelog (empty: inserts);
/// - `row_watermarks`: the pipeline watermark in force just before each row was consumed, which
///   operators with event-time state use to decide lateness exactly as record-at-a-time
///   processing would (empty: not tracked on this stream).
/// `processing_time_ms` is the wall-clock time at which the source consumed the rows, as the
/// epoch log recorded it: what PROCTIME() and CURRENT_TIMESTAMP see, so replay is exact.
struct Batch {
  SchemaPtr schema;
  std::vector<ColumnPtr> columns;
  size_t num_rows = 0;
  std::vector<RowKind> row_kinds;
  std::vector<int64_t> row_watermarks;
  int64_t processing_time_ms = 0;

  const Column& column(size_t i) const { return *columns[i]; }
  RowKind row_kind(size_t row) const {
    return row_kinds.empty() ? RowKind::kInsert : row_kinds[row];
  }
};

using BatchPtr = std::shared_ptr<const Batch>;

/// Returns a batch with the rows of `input` listed in `rows` (in that order), all columns and
/// side columns gathered. String bytes are shared, not copied.
BatchPtr GatherRows(const Batch& input, const std::vector<uint32_t>& rows);

/// Returns a column holding rows `rows` of `input`.
ColumnPtr GatherColumn(const Column& input, const std::vector<uint32_t>& rows);

}  // namespace sluice
