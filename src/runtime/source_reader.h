#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/event_time.h"
#include "common/status.h"
#include "types/batch.h"

namespace sluice::runtime {

/// A batch read from one split, and the split's position after its last record. Positions are
/// opaque strings the reader understands (a byte offset, a Kafka offset, a generated row count).
struct SourceBatch {
  SplitId split;
  BatchPtr batch;
  std::string end_position;
};

/// Reads one source table. The runtime calls every method from the pipeline thread.
/// Lifecycle: Open, then Poll until Finished (bounded sources) or the pipeline stops, then Close.
/// Replay: ReadUntil reproduces a logged batch exactly, which makes epochs replayable.
class SourceReader {
 public:
  virtual ~SourceReader() = default;

  virtual Status Open() = 0;
  /// Returns the next batch of at most `max_rows` records from some split, or nullopt when no
  /// record is available right now. Bad records are reported to the BadRecordReporter given at
  /// creation and skipped. Retryable errors (kUnavailable) mean: call again later.
  virtual Result<std::optional<SourceBatch>> Poll(size_t max_rows) = 0;
  /// Reads split `split` from its current position up to exactly `end_position`.
  virtual Result<SourceBatch> ReadUntil(SplitId split, const std::string& end_position) = 0;
  /// Makes split `split` continue after `position` (a position this reader logged before, restored
  /// from a checkpoint): the next Poll of that split starts there. Called after Open, before
  /// any Poll. By default reads up to the position and drops the rows, which suits readers that
  /// start at the beginning of their input (files, generators).
  virtual Status SeekTo(SplitId split, const std::string& position) {
    auto skipped = ReadUntil(split, position);
    return skipped.ok() ? Status::Ok() : skipped.status();
  }
  /// Returns true when the input is bounded and every split is exhausted.
  virtual bool Finished() const = 0;
  /// Returns the number of splits this reader owns now.
  virtual size_t num_splits() const = 0;
  /// Returns how many splits the input has over all readers of it (every process of a Kafka
  /// consumer group: the topic's partition count), or 0 when unknown. Called after Open.
  virtual size_t total_splits() const { return 0; }
  /// Returns a name for split `split` for logs and metrics, e.g. "orders.json", "topic-3".
  virtual std::string split_name(SplitId split) const = 0;
  /// Commits `positions` to the external system (e.g. a Kafka consumer group): for each split an
  /// epoch read, the end position of the epoch's last batch of it (a position this reader
  /// returned). Called after that epoch is durable in every sink; batches of the next epoch may
  /// have been delivered since, and are not committed.
  virtual Status CommitConsumed(const std::map<SplitId, std::string>& /*positions*/) {
    return Status::Ok();
  }
  /// Records durably, before an epoch's partial aggregates are written, the range each of
  /// `splits` (those the epoch read) covered in the epoch, e.g. as the metadata of the Kafka
  /// group's committed offset. A process that takes a split over after this one died reads
  /// exactly that range first, as one batch, and so writes the same partial aggregates again
  /// (runtime/README.md, "Partial aggregation across processes"). Returns the splits whose output
  /// may be written: those recorded. A reader whose splits never move to another process records
  /// nothing and returns them all (the default). A split left out is read again by its next owner.
  virtual Result<std::vector<SplitId>> RecordIntents(const std::vector<SplitId>& splits) {
    return splits;
  }
  /// Stores, durably and where every reader of the input finds it, the state an operator keeps
  /// for each split of `states` (split, serialized state), replacing what was stored for it: job
  /// B of a repartitioned pipeline keeps window state per internal split, and the split's next
  /// owner restores it (runtime/README.md, "Repartitioning"). Called after the epoch's sinks
  /// acknowledged and before its positions are committed. Readers whose splits never move keep
  /// nothing (the default).
  virtual Status StoreSplitStates(const std::vector<std::pair<SplitId, std::string>>& states) {
    (void)states;
    return Status::Ok();
  }
  /// Returns the state last stored for each of `splits` that has one (by StoreSplitStates, in
  /// this or another process). Called when splits were (re)assigned, before any of their rows
  /// is processed.
  virtual Result<std::map<SplitId, std::string>> LoadSplitStates(
      const std::vector<SplitId>& splits) {
    (void)splits;
    return std::map<SplitId, std::string>{};
  }
  /// Returns how many times split `split` was (re)assigned to this reader: rows of an earlier
  /// assignment are read again from the group's offsets after a new one. 0 for readers whose
  /// splits never move.
  virtual int64_t split_generation(SplitId /*split*/) const { return 0; }
  /// Returns whether this reader owns split `split` now (a Kafka partition stays a split after
  /// the group gave it to another member). Called at the end of each epoch.
  virtual bool split_owned(SplitId /*split*/) const { return true; }
  /// Returns how many records of split `split` are available upstream but not delivered yet
  /// (a Kafka partition's high watermark minus the position), or -1 when unknown. Must not block;
  /// called at the end of each epoch.
  virtual int64_t split_backlog(SplitId /*split*/) const { return -1; }
  /// Returns the bytes of raw input read so far over all splits, or -1 when not counted.
  virtual int64_t bytes_read() const { return -1; }
  /// Returns true when Poll (with the Finished and bytes_read it changes) may run on a thread of
  /// its own, ahead of the pipeline thread (ReadAheadReader), while the pipeline thread calls the
  /// other methods: they must only read what Open set, or be thread-safe. True of readers whose
  /// splits are fixed at Open and whose positions only they move (files, generators); not of
  /// readers whose Poll changes which splits they own, or whose commits act on what Poll read.
  virtual bool SupportsReadAhead() const { return false; }
  virtual void Close() {}
};

}  // namespace sluice::runtime
