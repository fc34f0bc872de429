#include "runtime/pipeline_metrics.h"

#include <chrono>
#include <cmath>
#include <utility>

namespace sluice::runtime {
namespace {

void AddDelta(Counter* counter, int64_t total, int64_t* seen) {
  if (total > *seen) counter->Increment(total - *seen);
  *seen = total;
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const std::vector<double> kLatencyBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                            0.5,   1,    2.5,   5,    10,  30};

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
  const MetricLabels labels = {{"pipeline", pipeline_}};
  checkpoint_seconds_ = registry_->GetGauge("sluice_pipeline_checkpoint_duration_seconds",
                                            "Duration of the last checkpoint.", labels);
  checkpoint_bytes_ = registry_->GetGauge("sluice_pipeline_checkpoint_size_bytes",
                                          "Size of the last checkpoint.", labels);
  checkpoints_ =
      registry_->GetCounter("sluice_pipeline_checkpoints_total", "Checkpoints written.", labels);
  state_bytes_ = registry_->GetGauge(
      "sluice_pipeline_state_bytes",
      "Memory held by operator state and buffered output ('pipeline.max-memory').", labels);
  collector_ = registry_->AddCollector([this] { CollectSinks(); });
  const auto started = std::chrono::steady_clock::now();
  registry_->AddCallback(
      "sluice_pipeline_uptime_seconds", "Seconds since the pipeline was created.", "gauge",
      {{"pipeline", pipeline_}}, [started] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      });
}

PipelineMetrics::~PipelineMetrics() {
  registry_->RemoveCollector(collector_);
  CollectSinks();  // the last values, before the writers go
}

void PipelineMetrics::AddSource(const std::string& name, size_t num_splits,
                                const SourceReader* reader) {
  const MetricLabels labels = {{"pipeline", pipeline_}, {"source", name}};
  Source source;
  source.name = name;
  source.reader = reader;
  source.watermark =
      registry_->GetGauge("sluice_source_watermark_seconds",
                          "Current event-time watermark of the source (Unix seconds).", labels);
  source.bytes.counter = registry_->GetCounter("sluice_source_bytes_total",
                                               "Bytes of raw input read from the source.", labels);
  Gauge* watermark = source.watermark;
  registry_->AddCallback("sluice_source_event_time_freshness_seconds",
                         "Wall-clock time minus the source's watermark (NaN before the first).",
                         "gauge", labels, [watermark] {
                           const double w = watermark->value();
                           return w == 0 ? std::nan("") : NowSeconds() - w;
                         });
  sources_.push_back(std::move(source));
  for (size_t split = 0; split < num_splits; ++split) SplitCounter(sources_.size() - 1, split);
}

Gauge* PipelineMetrics::SplitLag(size_t source, size_t split) {
  Source& s = sources_[source];
  while (s.lag.size() <= split) {
    s.lag.push_back(registry_->GetGauge(
        "sluice_source_consumer_lag_records",
        "Records available upstream and not read yet (Kafka: high watermark minus position).",
        {{"pipeline", pipeline_}, {"source", s.name}, {"split", std::to_string(s.lag.size())}}));
  }
  return s.lag[split];
}

void PipelineMetrics::RecordSources() {
  for (size_t i = 0; i < sources_.size(); ++i) {
    Source& s = sources_[i];
    if (s.reader == nullptr) continue;
    const int64_t bytes = s.reader->bytes_read();
    if (bytes >= 0) AddDelta(s.bytes.counter, bytes, &s.bytes.seen);
    for (size_t split = 0; split < s.reader->num_splits(); ++split) {
      const int64_t backlog = s.reader->split_backlog(SplitId(static_cast<int64_t>(split)));
      if (backlog >= 0) SplitLag(i, split)->Set(static_cast<double>(backlog));
    }
  }
}

void PipelineMetrics::RecordStateBytes(int64_t bytes) {
  state_bytes_->Set(static_cast<double>(bytes));
}

void PipelineMetrics::RecordCheckpoint(double seconds, int64_t bytes,
                                       const std::vector<int64_t>& state_bytes) {
  checkpoint_seconds_->Set(seconds);
  checkpoint_bytes_->Set(static_cast<double>(bytes));
  checkpoints_->Increment();
  for (size_t i = 0; i < state_bytes.size() && i < operators_.size(); ++i) {
    if (state_bytes[i] >= 0) operators_[i].state_bytes->Set(static_cast<double>(state_bytes[i]));
  }
}

void PipelineMetrics::CollectSinks() {
  std::lock_guard<std::mutex> lock(sinks_mu_);
  for (Sink& sink : sinks_) {
    std::optional<SinkDeliveryCounters> c = sink.writer->delivery_counters();
    if (!c) continue;
    AddDelta(sink.bytes.counter, c->bytes, &sink.bytes.seen);
    AddDelta(sink.requests.counter, c->requests, &sink.requests.seen);
    AddDelta(sink.retries.counter, c->retries, &sink.retries.seen);
    AddDelta(sink.failures.counter, c->failures, &sink.failures.seen);
    sink.in_flight->Set(static_cast<double>(c->rows_in_flight));
  }
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

void PipelineMetrics::AddSink(const std::string& name, SinkWriter* writer) {
  MetricLabels labels = {{"pipeline", pipeline_}, {"sink", name}};
  Sink sink;
  sink.writer = writer;
  sink.bytes.counter = registry_->GetCounter(
      "sluice_sink_bytes_total", "Encoded bytes the sink's server acknowledged.", labels);
  sink.requests.counter = registry_->GetCounter(
      "sluice_sink_inserts_total", "Successful write requests (INSERTs) of the sink.", labels);
  sink.retries.counter = registry_->GetCounter(
      "sluice_sink_retries_total", "Failed write attempts of the sink that were retried.", labels);
  sink.failures.counter = registry_->GetCounter(
      "sluice_sink_failures_total",
      "Write requests the sink gave up (non-retryable, or retries exhausted).", labels);
  sink.in_flight = registry_->GetGauge("sluice_sink_rows_in_flight",
                                       "Rows handed to the sink and not acknowledged yet.", labels);
  writer->set_request_latency(registry_->GetHistogram(
      "sluice_sink_insert_duration_seconds", "Latency of the sink's successful write requests.",
      kLatencyBounds, labels));
  {
    std::lock_guard<std::mutex> lock(sinks_mu_);
    sinks_.push_back(sink);
  }
  sink_rows_.push_back(
      {registry_->GetCounter("sluice_sink_rows_total", "Rows written to the sink.", labels), 0});
  sink_epochs_.push_back(registry_->GetCounter("sluice_sink_epochs_committed_total",
                                               "Epochs the sink committed.", labels));
}

void PipelineMetrics::AddOperator(const std::string& job, const std::string& name) {
  const MetricLabels labels = {{"pipeline", pipeline_}, {"job", job}, {"operator", name}};
  OperatorSeries series;
  series.state_keys = registry_->GetGauge(
      "sluice_operator_state_keys",
      "Keys holding state in the operator: (window, key) groups, GROUP BY, PARTITION BY, session "
      "or join keys.",
      labels);
  series.state_bytes =
      registry_->GetGauge("sluice_operator_state_bytes",
                          "Size of the operator's state in the last checkpoint.", labels);
  const char* const late_help =
      "Late records: dropped (past the allowed lateness), or updated (changed a result already "
      "emitted).";
  MetricLabels dropped = labels, updated = labels;
  dropped.emplace_back("action", "dropped");
  updated.emplace_back("action", "updated");
  series.late_dropped.counter =
      registry_->GetCounter("sluice_operator_late_records_total", late_help, dropped);
  series.late_updated.counter =
      registry_->GetCounter("sluice_operator_late_records_total", late_help, updated);
  operators_.push_back(series);
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
                                   const std::vector<OperatorStats>& operators) {
  for (size_t i = 0; i < sink_rows.size() && i < sink_rows_.size(); ++i) {
    AddDelta(sink_rows_[i].counter, sink_rows[i], &sink_rows_[i].seen);
    sink_epochs_[i]->Increment();
  }
  for (size_t i = 0; i < operators.size() && i < operators_.size(); ++i) {
    OperatorSeries& series = operators_[i];
    series.state_keys->Set(static_cast<double>(operators[i].state_keys));
    AddDelta(series.late_dropped.counter, operators[i].late_dropped, &series.late_dropped.seen);
    AddDelta(series.late_updated.counter, operators[i].late_updated, &series.late_updated.seen);
  }
  AddDelta(bad_records_.counter, bad_records, &bad_records_.seen);
  RecordSources();
  CollectSinks();
  last_epoch_->Set(static_cast<double>(epoch));
  epoch_duration_->Observe(duration_seconds);
}

}  // namespace sluice::runtime
