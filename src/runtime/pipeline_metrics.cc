#include "runtime/pipeline_metrics.h"

#include <chrono>
#include <utility>

namespace sluice::runtime {
namespace {

void AddDelta(Counter* counter, int64_t total, int64_t* seen) {
  if (total > *seen) counter->Increment(total - *seen);
  *seen = total;
}

}  // namespace

PipelineMetrics::PipelineMetrics(MetricsRegistry* registry, std::string pipeline)
    : registry_(registry), pipeline_(std::move(pipeline)) {
  bad_records_.counter = registry_->GetCounter(
      "sluice_source_bad_records_total", "Records that could not be decoded or had a NULL rowtime.",
      {{"pipeline", pipeline_}});
  last_epoch_ =
      registry_->GetGauge("sluice_pipeline_last_committed_epoch",
                          "Number of the last committed epoch.", {{"pipeline", pipeline_}});
  epoch_duration_ = registry_->GetHistogram(
      "sluice_pipeline_epoch_duration_seconds",
      "Wall-clock time from the end of one epoch commit to the end of the next.",
      {0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60}, {{"pipeline", pipeline_}});
  const auto started = std::chrono::steady_clock::now();
  registry_->AddCallback(
      "sluice_pipeline_uptime_seconds", "Seconds since the pipeline was created.", "gauge",
      {{"pipeline", pipeline_}}, [started] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      });
}

void PipelineMetrics::AddSource(const std::string& name, size_t num_splits) {
  Source source;
  source.name = name;
  source.watermark =
      registry_->GetGauge("sluice_source_watermark_seconds",
                          "Current event-time watermark of the source (Unix seconds).",
                          {{"pipeline", pipeline_}, {"source", name}});
  sources_.push_back(std::move(source));
  for (size_t split = 0; split < num_splits; ++split) SplitCounter(sources_.size() - 1, split);
}

Counter* PipelineMetrics::SplitCounter(size_t source, size_t split) {
  Source& s = sources_[source];
  while (s.records.size() <= split) {
    s.records.push_back(registry_->GetCounter("sluice_source_records_total",
                                              "Records read from the source.",
                                              {{"pipeline", pipeline_},
                                               {"source", s.name},
                                               {"split", std::to_string(s.records.size())}}));
  }
  return s.records[split];
}

void PipelineMetrics::AddSink(const std::string& name) {
  MetricLabels labels = {{"pipeline", pipeline_}, {"sink", name}};
  sink_rows_.push_back(
      {registry_->GetCounter("sluice_sink_rows_total", "Rows written to the sink.", labels), 0});
  sink_epochs_.push_back(registry_->GetCounter("sluice_sink_epochs_committed_total",
                                               "Epochs the sink committed.", labels));
}

void PipelineMetrics::AddJob(const std::string& name) {
  late_dropped_.push_back({registry_->GetCounter("sluice_late_records_dropped_total",
                                                 "Records dropped because their window had closed.",
                                                 {{"pipeline", pipeline_}, {"job", name}}),
                           0});
}

void PipelineMetrics::RecordBatch(size_t source, size_t split, int64_t records,
                                  Watermark watermark) {
  if (source >= sources_.size()) return;
  if (records > 0) SplitCounter(source, split)->Increment(records);
  if (watermark != kMinWatermark && watermark != kMaxWatermark) {
    sources_[source].watermark->Set(static_cast<double>(watermark.value()) / 1000.0);
  }
}

void PipelineMetrics::RecordCommit(int64_t epoch, double duration_seconds,
                                   const std::vector<int64_t>& sink_rows, int64_t bad_records,
                                   const std::vector<int64_t>& late_dropped) {
  for (size_t i = 0; i < sink_rows.size() && i < sink_rows_.size(); ++i) {
    AddDelta(sink_rows_[i].counter, sink_rows[i], &sink_rows_[i].seen);
    sink_epochs_[i]->Increment();
  }
  for (size_t i = 0; i < late_dropped.size() && i < late_dropped_.size(); ++i) {
    AddDelta(late_dropped_[i].counter, late_dropped[i], &late_dropped_[i].seen);
  }
  AddDelta(bad_records_.counter, bad_records, &bad_records_.seen);
  last_epoch_->Set(static_cast<double>(epoch));
  epoch_duration_->Observe(duration_seconds);
}

}  // namespace sluice::runtime
