#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "common/event_time.h"
#include "common/metrics_registry.h"
#include "runtime/operator_stats.h"
#include "runtime/sink_writer.h"
#include "runtime/source_reader.h"

namespace sluice::runtime {

/// The Prometheus series of one pipeline (sluice_source_*, sluice_sink_*, sluice_pipeline_*,
/// sluice_operator_*), resolved once at set-up so that the per-batch update is a vector index and
/// one relaxed atomic add. Cumulative totals the runtime keeps anyway (sink rows, bad records,
/// late records) are turned into counter increments by difference at each commit.
/// Sinks' delivery counters (bytes, requests, retries, failures, rows in flight) are read at
/// every scrape through a registry collector, so they move while the pipeline thread waits on a
/// sink that retries; sources' backlog (consumer lag) and bytes are read at each commit.
/// Series are keyed by pipeline, source, sink and job names, so a restarted pipeline (a new
/// PipelineMetrics) continues the same series.
/// Lifecycle: construct, Add* every source, sink and operator in index order, then Record*; destroy
/// before the readers and writers it was given. Used by the pipeline thread only; the registry
/// renders the values on any thread.
class PipelineMetrics {
 public:
  PipelineMetrics(MetricsRegistry* registry, std::string pipeline);
  ~PipelineMetrics();
  PipelineMetrics(const PipelineMetrics&) = delete;
  PipelineMetrics& operator=(const PipelineMetrics&) = delete;

  /// Adds a source; `reader` (which must outlive this) is asked for its backlog and bytes.
  void AddSource(const std::string& name, size_t num_splits, const SourceReader* reader);
  /// Adds a sink; gives `writer` (which must outlive this) its latency histogram.
  void AddSink(const std::string& name, SinkWriter* writer);
  /// Adds a stateful operator `name` of job `job` (see StatefulOperators).
  void AddOperator(const std::string& job, const std::string& name);
  /// Records a checkpoint: its duration and size, and the size of each operator's state in it
  /// (AddOperator order; a negative size leaves the operator's gauge as it was).
  void RecordCheckpoint(double seconds, int64_t bytes, const std::vector<int64_t>& state_bytes);

  /// Counts `records` rows of split `split` of source `source`; sets its watermark gauge.
  void RecordBatch(size_t source, size_t split, int64_t records, Watermark watermark);
  /// Records a committed epoch: its wall-clock duration, the cumulative totals so far of rows
  /// per sink (AddSink order) and bad records, and each operator's stats (AddOperator order).
  void RecordCommit(int64_t epoch, double duration_seconds, const std::vector<int64_t>& sink_rows,
                    int64_t bad_records, const std::vector<OperatorStats>& operators);
  /// Sets the memory operator state holds (summed over operators, at each commit).
  void RecordStateBytes(int64_t bytes);

 private:
  struct Total {
    Counter* counter = nullptr;
    int64_t seen = 0;
  };
  struct Source {
    std::string name;
    const SourceReader* reader = nullptr;
    std::vector<Counter*> records;  // per split
    std::vector<Gauge*> lag;        // per split
    Gauge* watermark = nullptr;
    Total bytes;
  };
  struct Sink {
    SinkWriter* writer = nullptr;
    Total bytes, requests, retries, failures;
    Gauge* in_flight = nullptr;
  };
  struct OperatorSeries {
    Gauge* state_keys = nullptr;
    Gauge* state_bytes = nullptr;
    Total late_dropped, late_updated;
  };

  Counter* SplitCounter(size_t source, size_t split);
  Gauge* SplitLag(size_t source, size_t split);
  void RecordSources();
  /// Brings the sinks' series up to date (scrape thread or pipeline thread).
  void CollectSinks();

  MetricsRegistry* registry_;
  std::string pipeline_;
  std::vector<Source> sources_;
  std::vector<Total> sink_rows_;
  std::vector<Counter*> sink_epochs_;
  std::mutex sinks_mu_;  // guards sinks_' totals: collected on the scrape thread
  std::vector<Sink> sinks_;
  int collector_ = -1;
  Gauge* checkpoint_seconds_ = nullptr;
  Gauge* checkpoint_bytes_ = nullptr;
  Gauge* state_bytes_ = nullptr;
  Counter* checkpoints_ = nullptr;
  std::vector<OperatorSeries> operators_;
  Total bad_records_;
  Gauge* last_epoch_ = nullptr;
  Histogram* epoch_duration_ = nullptr;
};

}  // namespace sluice::runtime
