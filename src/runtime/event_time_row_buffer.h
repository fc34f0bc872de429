#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "types/batch.h"
#include "types/value.h"

namespace sluice::runtime {

/// Holds the rows of an event-time operator (OVER aggregation, deduplication, Top-N) until the
/// watermark passes their rowtime, as Flink's row-time OVER and rank functions do: a row whose
/// rowtime is at or before the watermark in force when it arrives (Batch::row_watermarks, or the
/// operator's watermark) is late, dropped and counted. Rows are plain vectors of Values
/// (serialisable). Single-threaded.
class EventTimeRowBuffer {
 public:
  using Row = std::vector<Value>;

  /// Buffers rows by column `time_column`, keeping the first `columns` columns of each.
  EventTimeRowBuffer(size_t time_column, size_t columns)
      : time_column_(time_column), columns_(columns) {}

  /// Buffers the rows of `batch` that are not late against `watermark` or their row watermark;
  /// rows with a NULL rowtime are skipped. Returns kUnsupported for update or delete rows.
  Status Add(const Batch& batch, int64_t watermark);
  /// Removes the rows with rowtime <= `watermark` and passes them to `fn` by rowtime ascending,
  /// one call per rowtime with its rows in arrival order.
  void TakeUpTo(int64_t watermark,
                const std::function<void(int64_t time, const std::vector<Row>& rows)>& fn);

  /// Returns the number of rows dropped as late.
  int64_t late_records_dropped() const { return late_records_dropped_; }
  /// Returns the number of rows held.
  size_t size() const;
  /// Returns the bytes the held rows take (MemoryFootprint), kept up to date as rows come and go.
  size_t memory_bytes() const { return bytes_; }

  /// Writes the buffered rows and the late count; RestoreState replaces them.
  void SaveState(StateEncoder* out) const;
  Status RestoreState(StateDecoder* in);

  /// Returns a byte string identifying the values of `row` at `keys` (NULLs are one key).
  static std::string KeyOf(const Row& row, const std::vector<size_t>& keys);
  /// Returns a batch of `rows` (every one with `row_watermark`; `kinds` empty for inserts).
  static BatchPtr ToBatch(const SchemaPtr& schema, const std::vector<Row>& rows,
                          int64_t row_watermark, std::vector<RowKind> kinds);

 private:
  size_t time_column_;
  size_t columns_;
  std::map<int64_t, std::vector<Row>> pending_;  // by rowtime, arrival order within
  int64_t late_records_dropped_ = 0;
  size_t bytes_ = 0;  // MemoryFootprint of pending_'s rows
};

}  // namespace sluice::runtime
