#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/event_time.h"
#include "common/metrics_registry.h"

namespace sluice::runtime {

/// The Prometheus series of one pipeline (sluice_source_*, sluice_sink_*, sluice_pipeline_*,
/// sluice_late_records_dropped_total), resolved once at set-up so that the per-batch update is a
/// vector index and one relaxed atomic add. Cumulative totals the runtime keeps anyway (sink rows,
/// bad records, late records) are turned into counter increments by difference at each commit.
/// Lifecycle: construct, Add* every source, sink and job in index order, then Record*.
/// Used by the pipeline thread only; the registry renders the values on any thread.
class PipelineMetrics {
 public:
  PipelineMetrics(MetricsRegistry* registry, std::string pipeline);

  void AddSource(const std::string& name, size_t num_splits);
  void AddSink(const std::string& name);
  void AddJob(const std::string& name);

  /// Counts `records` rows of split `split` of source `source`; sets its watermark gauge.
  void RecordBatch(size_t source, size_t split, int64_t records, Watermark watermark);
  /// Records a committed epoch: its wall-clock duration, and the cumulative totals so far of rows
  /// per sink (AddSink order), bad records, and late records dropped per job (AddJob order).
  void RecordCommit(int64_t epoch, double duration_seconds, const std::vector<int64_t>& sink_rows,
                    int64_t bad_records, const std::vector<int64_t>& late_dropped);

 private:
  Counter* SplitCounter(size_t source, size_t split);

  struct Source {
    std::string name;
    std::vector<Counter*> records;  // per split
    Gauge* watermark = nullptr;
  };
  struct Total {
    Counter* counter = nullptr;
    int64_t seen = 0;
  };

  MetricsRegistry* registry_;
  std::string pipeline_;
  std::vector<Source> sources_;
  std::vector<Total> sink_rows_;
  std::vector<Counter*> sink_epochs_;
  std::vector<Total> late_dropped_;
  Total bad_records_;
  Gauge* last_epoch_ = nullptr;
  Histogram* epoch_duration_ = nullptr;
};

}  // namespace sluice::runtime
