#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "common/status.h"
#include "runtime/epoch_log.h"
#include "runtime/repartitioned_window_aggregate_operator.h"
#include "runtime/source_reader.h"

namespace sluice::runtime {

/// Moves the per-split state of job B of a repartitioned pipeline with its internal split
/// between processes (runtime/README.md, "Repartitioning"). For each source read by a job B:
///   - BeforeBatch: when the group (re)assigned splits of it to this process, restores their
///     latest stored state (SourceReader::LoadSplitStates) into the job's window aggregation
///     before any of their rows is processed, or starts them empty when none is stored;
///   - FlushEpoch (the epoch's end, before any write): records the intents of the splits the
///     epoch read (SourceReader::RecordIntents), then flushes the window aggregation, keeping
///     only splits recorded or not read; a split the group took away is dropped;
///   - StoreStates (after the sinks acknowledged, before the positions are committed): stores the
///     state of each split recorded (SourceReader::StoreSplitStates);
///   - EndEpoch: forgets the epoch's splits.
/// Single-threaded (the pipeline thread).
class RepartitionedSplits {
 public:
  /// Makes `op` (job B's window aggregation) read source `source` through `reader`.
  void Add(size_t source, SourceReader* reader, RepartitionedWindowAggregateOperator* op);

  /// Called before the batch of `entry` is processed; `has_rows`: it holds rows (not just a
  /// split's announcement).
  Status BeforeBatch(const EpochLogEntry& entry, bool has_rows);
  Status FlushEpoch();
  Status StoreStates();
  void EndEpoch();

 private:
  using Key = RepartitionedWindowAggregateOperator::SplitKey;
  struct Source {
    SourceReader* reader = nullptr;
    std::vector<RepartitionedWindowAggregateOperator*> ops;
    std::map<int64_t, int64_t> generation;  // per split: the assignment its state belongs to
    std::set<int64_t> read;                 // splits read this epoch
    std::set<int64_t> recorded;             // of those, the ones whose intents were recorded
  };

  // Restores the state of every split of `source` (re)assigned since it was last restored.
  Status RestoreAssigned(size_t source, Source& s);
  // Restores `state` (as StoreStates wrote it; empty: none) into each job of `s`.
  static Status RestoreSplit(size_t source, const Source& s, int64_t split,
                             const std::string* state);

  std::map<size_t, Source> sources_;
};

}  // namespace sluice::runtime
