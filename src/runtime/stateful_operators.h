#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/job.h"
#include "runtime/operator_stats.h"
#include "runtime/pipeline_snapshot.h"

namespace sluice::runtime {

/// The stateful operators of a pipeline's jobs (those whose Operator::stats() has a value), each
/// named for its metric series and /api/status by its job and its kind, the start of its
/// Describe() ("WindowAggregate", "OverAggregate", "Deduplicate", "IntervalJoin", ...), followed
/// by "#2", "#3", ... when a job holds several of a kind (in plan order, from the sink down).
/// Also keeps each one's state size in the last checkpoint. Lifecycle: construct after the jobs
/// are built; the jobs must outlive it. Used by the pipeline thread only.
class StatefulOperators {
 public:
  struct Entry {
    std::string job;
    std::string name;
    const Operator* op = nullptr;
    int64_t state_bytes = -1;  // in the last checkpoint; -1 before the first
  };

  explicit StatefulOperators(const std::vector<Job>& jobs);

  const std::vector<Entry>& entries() const { return entries_; }
  /// Returns each operator's stats, in entries() order.
  std::vector<OperatorStats> Stats() const;
  /// Records the size of each operator's state as a checkpoint just wrote it (operators absent
  /// from `bytes` keep their previous size).
  void SetStateBytes(const std::map<const Operator*, int64_t>& bytes);
  /// Returns what /api/status shows of each operator, in entries() order.
  std::vector<OperatorSnapshot> Snapshot() const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace sluice::runtime
