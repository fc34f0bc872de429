#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "runtime/buffered_row.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "types/batch.h"
#include "types/value.h"

namespace sluice::runtime {

/// Holds the rows of an event-time operator (OVER aggregation, deduplication, Top-N) until the
/// watermark passes their rowtime, as Flink's row-time OVER and rank functions do: a row whose
/// rowtime is at or before the watermark in force when it arrives (Batch::row_watermarks, or the
/// operator's watermark) is late, dropped and counted. Rows stay in the input batches they came
/// in (kept alive while any of their rows waits), so buffering a row allocates nothing of its
/// own; they are read through BufferedRow when the watermark passes them. Single-threaded.
class EventTimeRowBuffer {
 public:
  using Row = std::vector<Value>;

  /// Buffers rows by column `time_column`; `types` are the types of the columns kept (the first
  /// ones of each batch).
  EventTimeRowBuffer(size_t time_column, std::vector<LogicalType> types)
      : time_column_(time_column), types_(std::move(types)) {}

  /// Buffers the rows of `batch` that are not late against `watermark` or their row watermark;
  /// rows with a NULL rowtime are skipped. Returns kUnsupported for update or delete rows.
  Status Add(const BatchPtr& batch, int64_t watermark);
  /// Removes the rows with rowtime <= `watermark` and passes them to `fn` by rowtime ascending,
  /// one call per rowtime with its rows in arrival order (valid during the call only).
  void TakeUpTo(int64_t watermark,
                const std::function<void(int64_t time, const std::vector<BufferedRow>& rows)>& fn);

  /// Returns the number of rows dropped as late.
  int64_t late_records_dropped() const { return late_records_dropped_; }
  /// Returns the number of rows held.
  size_t size() const;
  /// Returns the number of columns kept of each row.
  size_t num_columns() const { return types_.size(); }
  /// Returns the bytes of the batches kept for the held rows (MemoryFootprint), kept up to date
  /// as rows come and go.
  size_t memory_bytes() const { return bytes_; }

  /// Writes the buffered rows (as Values) and the late count; RestoreState replaces them.
  void SaveState(StateEncoder* out) const;
  Status RestoreState(StateDecoder* in);

  /// Returns a byte string identifying the values of `row` at `keys` (NULLs are one key).
  static std::string KeyOf(const Row& row, const std::vector<size_t>& keys);
  /// Appends KeyOf(row, keys) to `key` (a caller reusing one string allocates no key per row).
  static void AppendKeyOf(const Row& row, const std::vector<size_t>& keys, std::string* key);
  /// Appends one non-NULL key part: '\x02', the length of `text` in decimal, ':', `text`.
  static void AppendKeyPart(std::string_view text, std::string* key);
  /// Appends the key part of an INT, BIGINT or INTERVAL value (its decimal text).
  static void AppendIntKeyPart(int64_t value, std::string* key);
  /// Returns a batch of `rows` (every one with `row_watermark`; `kinds` empty for inserts).
  static BatchPtr ToBatch(const SchemaPtr& schema, const std::vector<Row>& rows,
                          int64_t row_watermark, std::vector<RowKind> kinds);

 private:
  /// A held row: row `row` of chunk number `chunk`, with rowtime `time`.
  struct Held {
    int64_t time;
    uint64_t chunk;
    uint32_t row;
  };
  /// A batch kept alive for `live` held rows; `batch` is reset when the last is taken.
  struct Chunk {
    BatchPtr batch;
    size_t live = 0;
  };

  /// Returns the number of the chunk of `batch`, keeping it if it is not the newest already.
  uint64_t Retain(const BatchPtr& batch);
  /// Forgets one held row of chunk `chunk`; drops chunks nothing refers to any more.
  void Release(uint64_t chunk);
  const Batch* BatchOf(uint64_t chunk) const { return chunks_[chunk - first_chunk_].batch.get(); }
  /// Puts the rows held from `first` on (the newest arrivals) in rowtime order among the others.
  void Order(size_t first);

  size_t time_column_;
  std::vector<LogicalType> types_;
  // By rowtime, arrival order within one. Rows mostly arrive in rowtime order: each batch's rows
  // are appended and merged into the tail they belong in, no allocation per row.
  std::deque<Held> pending_;
  std::deque<Chunk> chunks_;  // chunk numbers first_chunk_, first_chunk_ + 1, ...
  uint64_t first_chunk_ = 0;
  int64_t late_records_dropped_ = 0;
  size_t bytes_ = 0;  // MemoryFootprint of the kept batches
};

}  // namespace sluice::runtime
