#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/logging.h"
#include "common/metrics_registry.h"
#include "expr/function_registry.h"
#include "runtime/bad_record_reporter.h"
#include "runtime/checkpoint_store.h"
#include "runtime/connector_registry.h"
#include "runtime/dead_letter_sink.h"
#include "runtime/epoch_log.h"
#include "runtime/job.h"
#include "runtime/pipeline_metrics.h"
#include "runtime/pipeline_options.h"
#include "runtime/pipeline_snapshot.h"
#include "runtime/read_ahead_reader.h"
#include "runtime/repartitioned_splits.h"
#include "runtime/source_stage.h"
#include "runtime/stateful_operators.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// Counters a running pipeline exposes (read on the pipeline thread, or after Run returns).
struct PipelineStats {
  int64_t epochs_committed = 0;
  int64_t records_in = 0;
  int64_t rows_out = 0;
  int64_t bad_records = 0;
  int64_t checkpoints_written = 0;
  int64_t last_checkpoint_bytes = 0;
  double last_checkpoint_seconds = 0;
  int64_t epochs_recovered = 0;  // logged epochs replayed at start-up
  double recovery_seconds = 0;   // restoring the checkpoint and replaying the log
  int64_t memory_drains = 0;     // epochs ended early so that sinks drain ('pipeline.max-memory')
};

/// Runs every job of a planned pipeline file on one thread, in epochs (DESIGN.md): sources are
/// polled round-robin, each consumed batch is logged (source, split, end position, processing
/// time) and pushed through its jobs; at the end of an epoch the log entry is sealed and only then
/// do sinks receive the epoch's output as numbered blocks. Output is a function of the logged
/// order only, so Replay of a log reproduces it byte for byte.
///
/// With a state directory ('state.dir', default .sluice/state/<pipeline.name> in the pipeline
/// file's directory; '' for none) the
/// epoch log lives there (or at 'execution.epoch-log.path'), fsynced when sealed, with a commit
/// record once every sink acknowledged the epoch; every 'execution.checkpoint-interval' the
/// operators' state, watermarks and source positions are checkpointed and the log compacted. Run
/// first recovers: restores the newest checkpoint, seeks the sources to its positions, replays the
/// logged epochs after it in their logged order (sinks see the same blocks under the same
/// (epoch, block) identity; epochs already committed are not written again), then goes live.
/// A bounded run that finishes removes its state.
/// Lifecycle: Create, then Run or Replay once.
class Pipeline {
 public:
  static Result<std::unique_ptr<Pipeline>> Create(const sql::PipelinePlan& plan,
                                                  const ConnectorRegistry& connectors,
                                                  const expr::FunctionRegistry& functions);
  ~Pipeline();

  /// Runs until bounded input is exhausted (every window fires) or `stop` becomes true (the
  /// current epoch is finished and committed; open windows stay open).
  Status Run(const std::atomic<bool>& stop);
  /// Re-executes the epochs of an epoch log file in their logged order.
  Status Replay(const std::string& epoch_log_path);

  /// Returns the physical plan: sources with their splits, then each job's operators.
  std::string Describe() const;
  const PipelineOptions& options() const { return options_; }
  PipelineStats stats() const;

  /// Makes the pipeline update its series in `metrics` per batch and per epoch. Call before Run or
  /// Replay; `metrics` must outlive the pipeline.
  void set_metrics(MetricsRegistry* metrics) { metrics_registry_ = metrics; }
  /// Returns the state the pipeline thread last published (at open, after each commit, at the
  /// end). Thread-safe: the only pipeline call other threads may make while it runs.
  PipelineSnapshot snapshot() const;

 private:
  Pipeline() = default;
  /// Creates one SourceStage per source table, shared by every scan of it in any job.
  Status CreateSources(const std::map<std::string, std::string>& settings,
                       const ConnectorRegistry& connectors,
                       const expr::FunctionRegistry& functions);
  Status Open();
  Status Close();
  Status ConsumeEntry(const EpochLogEntry& entry, const SourceBatch* batch, bool log = true);
  /// Sums the operators' StateBytes (sinks' buffered output included) and the batches read ahead
  /// into state_bytes_. Sinks holding 'execution.epoch-max-output' end the epoch (epoch_full_).
  /// Operators over 'pipeline.max-memory' with output buffered in sinks, asks for the epoch to end
  /// now (drain_sinks_: sources pause while the sinks drain); over it without, an error (not
  /// retryable: the same input needs the same state) naming the largest operator.
  Status CheckStateMemory();
  /// Logs (rate-limited) that the epoch ends early for the sinks to drain.
  void LogMemoryDrain();
  Status OpenState();
  Status Recover();
  Status RestoreCheckpoint(const Checkpoint& checkpoint);
  /// Re-executes logged entries (sources read them with ReadUntil); `what` names the log.
  Status ReplayEntries(const std::vector<EpochLogEntry>& entries, const std::string& what,
                       bool log);
  /// Hands the output of the epoch just sealed (its log `entries`) to the sinks, or drops it for
  /// a replayed epoch already committed, and makes it the epoch in flight. Commits it at once
  /// unless Pipelined(); when a checkpoint is due, commits it and checkpoints.
  Status FinishEpoch(bool write_sinks, const std::vector<EpochLogEntry>& entries);
  /// Returns whether an epoch may stay in flight while the next one is read: not while
  /// recovering or replaying, nor with partial aggregation (its intents are per epoch) or
  /// repartitioning (job B reads what job A's epochs commit to the internal topic).
  bool Pipelined() const;
  /// Returns whether every sink acknowledged the epoch in flight (committing it will not wait).
  bool InFlightAcknowledged() const;
  /// Waits for the sinks to acknowledge the epoch in flight, if any, then writes its dead
  /// letters, its commit record and the sources' end positions in it.
  Status CommitInFlight();
  /// Returns the checkpoint payload; records each operator's share of it in `operator_bytes`.
  Result<std::string> SaveState(std::map<const Operator*, int64_t>* operator_bytes) const;
  Status RestoreState(const std::string& payload, const std::string& what);
  Status WriteCheckpoint();
  std::string Fingerprint() const;
  Result<bool> PollSources(int64_t now_ms);
  Status CheckIdleSplits(int64_t now_ms);
  Status FinishSources();
  /// Ends the current epoch: commits the one in flight, seals this one and starts its writes.
  Status CommitEpoch();
  // Partial aggregation (runtime/README.md): tells the jobs' partial window operators the split
  // of the batch of `entry`; at the epoch's end records the intents of the splits `sealed` read
  // and flushes the partial aggregates of those recorded.
  void SetPartialSplit(const EpochLogEntry& entry);
  Status FlushPartialJobs(const std::vector<EpochLogEntry>& sealed);
  // Repartitioning (runtime/README.md): gives each job B's window aggregation the partition
  // count of job A's input (job A is the job whose sink writes job B's source table); at each
  // epoch's end, live or replayed, records the intents of the internal splits read and flushes
  // the windows each fired (RepartitionedSplits).
  Status LinkRepartitionedJobs();
  Status FlushRepartitionedJobs();
  void PublishSnapshot(const char* state);

  PipelineOptions options_;
  std::unique_ptr<DeadLetterSink> dead_letters_;  // 'pipeline.dead-letter' (null: none)
  std::unique_ptr<BadRecordReporter> bad_records_;
  std::vector<Job> jobs_;
  bool has_partial_jobs_ = false;                // a job's sink takes partial aggregates
  bool has_repartitioned_jobs_ = false;          // a job reads an internal repartition topic
  std::unique_ptr<StatefulOperators> stateful_;  // of jobs_
  RepartitionedSplits repartitioned_splits_;     // job B's splits (LinkRepartitionedJobs)
  size_t state_bytes_ = 0;    // operator state and read-ahead queues (CheckStateMemory)
  bool drain_sinks_ = false;  // CheckStateMemory: end the epoch before polling again
  bool epoch_full_ = false;   // CheckStateMemory: the sinks hold 'execution.epoch-max-output'
  int64_t memory_drains_ = 0;
  RateLimitedLog drain_log_{5, 10'000};
  std::vector<std::unique_ptr<SourceStage>> sources_;
  std::vector<const ReadAheadReader*> read_ahead_;  // the sources_' readers that read ahead
  std::vector<int64_t> idle_timeout_ms_;            // per source
  std::vector<std::vector<int64_t>> last_active_;   // per source, per split (wall-clock ms)
  std::vector<std::vector<bool>> idle_;             // per source, per split
  std::unique_ptr<EpochLog> log_;
  std::string log_path_;                    // the durable epoch log ('' when none)
  std::unique_ptr<CheckpointStore> store_;  // set by Open when there is a state directory
  std::vector<std::map<uint32_t, std::string>> positions_;  // per source: split -> last end
  bool replaying_log_file_ = false;                         // Replay(): no state directory
  bool recovering_ = false;
  int64_t last_checkpoint_ms_ = 0;
  EpochId checkpoint_epochs_[2] = {EpochId(0), EpochId(0)};  // the newest two: [0] newest
  PipelineStats state_stats_;
  /// An epoch whose output went to the sinks and that is not committed yet (at most one):
  /// runtime/README.md, "Pipelined commits".
  struct InFlightEpoch {
    EpochId epoch;
    bool written = false;  // false: a replayed epoch already committed, dropped
    std::vector<std::map<SplitId, std::string>> positions;  // per source: split -> its last end
  };
  std::optional<InFlightEpoch> in_flight_;
  EpochId committed_epoch_{0};
  EpochId epoch_{1};
  size_t next_source_ = 0;
  bool finished_ = false;
  MetricsRegistry* metrics_registry_ = nullptr;
  std::unique_ptr<PipelineMetrics> metrics_;  // set by Open when metrics_registry_ is
  int64_t last_commit_ms_ = 0;
  mutable std::mutex snapshot_mu_;
  PipelineSnapshot snapshot_;  // guarded by snapshot_mu_
};

}  // namespace sluice::runtime
