#include "runtime/pipeline.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "common/duration.h"
#include "common/logging.h"
#include "runtime/window_aggregate_operator.h"

namespace sluice::runtime {
namespace {

int64_t WallClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string BaseName(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  return name.substr(0, name.find('.'));
}

}  // namespace

Pipeline::~Pipeline() = default;

Result<std::unique_ptr<Pipeline>> Pipeline::Create(const sql::PipelinePlan& plan,
                                                   const ConnectorRegistry& connectors,
                                                   const expr::FunctionRegistry& functions) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  ASSIGN_OR_RETURN(p->options_,
                   PipelineOptions::FromSettings(plan.settings, BaseName(plan.file_name)));
  p->bad_records_ = std::make_unique<BadRecordReporter>(p->options_.dead_letter_path);
  p->log_ = std::make_unique<EpochLog>(p->options_.epoch_log_path);
  for (const auto& job_node : plan.jobs) {
    ASSIGN_OR_RETURN(Job job, Job::Build(job_node, connectors, functions, p->options_, plan.settings));
    for (const auto& scan : job.scans) {
      SourceContext context;
      context.table = scan.scan->scan.table;
      context.decoded_schema = scan.scan->scan.decoded_schema;
      context.decoded_columns = scan.scan->scan.decoded_columns;
      context.bad_records = p->bad_records_.get();
      context.pipeline_name = p->options_.name;
      context.settings = plan.settings;
      ASSIGN_OR_RETURN(auto reader, connectors.CreateSource(context));
      ASSIGN_OR_RETURN(auto stage, SourceStage::Create(scan.scan->scan, std::move(reader),
                                                       functions, p->bad_records_.get()));
      stage->AddOutput(scan.consumer, scan.input);
      int64_t idle = p->options_.idle_timeout_ms;
      std::string table_idle = context.table->option("scan.watermark.idle-timeout");
      if (!table_idle.empty()) {
        auto ms = ParseDurationMillis(table_idle);
        if (!ms.ok()) {
          return ms.status().WithContext(fmt::format(
              "table '{}' option 'scan.watermark.idle-timeout'", context.table->name));
        }
        idle = *ms;
      }
      p->idle_timeout_ms_.push_back(idle);
      p->sources_.push_back(std::move(stage));
    }
    p->jobs_.push_back(std::move(job));
  }
  return p;
}

Status Pipeline::Open() {
  for (auto& job : jobs_) {
    for (auto& op : job.operators) RETURN_IF_ERROR(op->Open());
  }
  const int64_t now = WallClockMillis();
  for (auto& stage : sources_) {
    RETURN_IF_ERROR(stage->Open().WithContext("table '" + stage->table_name() + "'"));
    size_t n = stage->reader().num_splits();
    last_active_.emplace_back(n, now);
    idle_.emplace_back(n, false);
  }
  for (const auto& job : jobs_) LogInfo("job {}: {}", job.name, job.sink->Describe());
  if (metrics_registry_ != nullptr) {
    metrics_ = std::make_unique<PipelineMetrics>(metrics_registry_, options_.name);
    for (auto& stage : sources_) {
      metrics_->AddSource(stage->table_name(), stage->reader().num_splits());
    }
    for (const auto& job : jobs_) metrics_->AddSink(job.sink->name());
    for (const auto& job : jobs_) metrics_->AddJob(job.name);
  }
  last_commit_ms_ = now;
  PublishSnapshot("running");
  return Status::Ok();
}

Status Pipeline::Close() {
  for (auto& stage : sources_) stage->reader().Close();
  Status first;
  for (auto& job : jobs_) {
    Status s = job.sink->Close();
    if (first.ok() && !s.ok()) first = s;
  }
  return first;
}

Status Pipeline::ConsumeEntry(const EpochLogEntry& entry, const SourceBatch* batch) {
  SourceStage& stage = *sources_[entry.source];
  switch (entry.kind) {
    case EpochLogEntry::Kind::kBatch: {
      const int64_t before = stage.records_in();
      RETURN_IF_ERROR(stage.ProcessBatch(*batch, entry.processing_time_ms));
      if (metrics_) {
        metrics_->RecordBatch(entry.source, entry.split, stage.records_in() - before,
                              stage.watermark());
      }
      break;
    }
    case EpochLogEntry::Kind::kIdle:
      RETURN_IF_ERROR(stage.MarkIdle(entry.split));
      break;
    case EpochLogEntry::Kind::kEndOfInput:
      RETURN_IF_ERROR(stage.Finish());
      break;
  }
  log_->Append(entry);
  return Status::Ok();
}

Result<bool> Pipeline::PollSources(int64_t now_ms) {
  bool any = false;
  for (size_t k = 0; k < sources_.size(); ++k) {
    size_t s = (next_source_ + k) % sources_.size();
    SourceStage& stage = *sources_[s];
    if (stage.reader().Finished()) continue;
    auto polled = stage.reader().Poll(options_.batch_rows);
    if (!polled.ok()) {
      if (polled.status().retryable()) {
        LogWarn("table '{}': {} (will retry)", stage.table_name(), polled.status().message());
        continue;
      }
      return polled.status().WithContext("table '" + stage.table_name() + "'");
    }
    if (!polled->has_value()) continue;
    const SourceBatch& batch = **polled;
    EpochLogEntry entry;
    entry.source = static_cast<uint32_t>(s);
    entry.split = static_cast<uint32_t>(batch.split.value());
    entry.end_position = batch.end_position;
    entry.processing_time_ms = now_ms;
    size_t split = entry.split;
    if (split >= last_active_[s].size()) {
      last_active_[s].resize(split + 1, now_ms);
      idle_[s].resize(split + 1, false);
    }
    last_active_[s][split] = now_ms;
    idle_[s][split] = false;
    RETURN_IF_ERROR(ConsumeEntry(entry, &batch));
    any = true;
  }
  next_source_ = sources_.empty() ? 0 : (next_source_ + 1) % sources_.size();
  return any;
}

Status Pipeline::CheckIdleSplits(int64_t now_ms) {
  for (size_t s = 0; s < sources_.size(); ++s) {
    if (idle_timeout_ms_[s] <= 0) continue;
    for (size_t split = 0; split < idle_[s].size(); ++split) {
      if (idle_[s][split] || now_ms - last_active_[s][split] < idle_timeout_ms_[s]) continue;
      idle_[s][split] = true;
      EpochLogEntry entry;
      entry.kind = EpochLogEntry::Kind::kIdle;
      entry.source = static_cast<uint32_t>(s);
      entry.split = static_cast<uint32_t>(split);
      entry.processing_time_ms = now_ms;
      RETURN_IF_ERROR(ConsumeEntry(entry, nullptr));
    }
  }
  return Status::Ok();
}

Status Pipeline::FinishSources() {
  for (size_t s = 0; s < sources_.size(); ++s) {
    EpochLogEntry entry;
    entry.kind = EpochLogEntry::Kind::kEndOfInput;
    entry.source = static_cast<uint32_t>(s);
    entry.processing_time_ms = WallClockMillis();
    RETURN_IF_ERROR(ConsumeEntry(entry, nullptr));
  }
  return Status::Ok();
}

Status Pipeline::CommitEpoch() {
  ASSIGN_OR_RETURN(auto sealed, log_->Seal(epoch_));
  for (auto& job : jobs_) {
    RETURN_IF_ERROR(job.sink->WriteEpoch(epoch_).WithContext("sink '" + job.sink->name() + "'"));
  }
  for (auto& stage : sources_) {
    Status s = stage->reader().CommitConsumed();
    if (!s.ok()) LogWarn("table '{}': {} (committed next epoch)", stage->table_name(), s.message());
  }
  const int64_t now = WallClockMillis();
  if (metrics_) {
    std::vector<int64_t> sink_rows, late;
    for (const auto& job : jobs_) {
      sink_rows.push_back(job.sink->rows_written());
      int64_t dropped = 0;
      for (const auto& op : job.operators) {
        if (auto* w = dynamic_cast<const WindowAggregateOperator*>(op.get())) {
          dropped += w->late_records_dropped();
        }
      }
      late.push_back(dropped);
    }
    metrics_->RecordCommit(epoch_.value(), static_cast<double>(now - last_commit_ms_) / 1000.0,
                           sink_rows, bad_records_->count(), late);
  }
  last_commit_ms_ = now;
  epoch_ = EpochId(epoch_.value() + 1);
  PublishSnapshot("running");
  return Status::Ok();
}

void Pipeline::PublishSnapshot(const char* state) {
  PipelineSnapshot snap;
  snap.name = options_.name;
  snap.state = state;
  snap.last_commit_ms = last_commit_ms_;
  snap.last_committed_epoch = epoch_.value() - 1;
  snap.epoch_interval_ms = options_.epoch_interval_ms;
  snap.bad_records = bad_records_->count();
  for (const auto& stage : sources_) {
    SourceSnapshot source;
    source.name = stage->table_name();
    source.open = std::string(state) == "running";
    source.finished = stage->reader().Finished();
    source.records = stage->records_in();
    Watermark wm = stage->watermark();
    if (wm != kMinWatermark && wm != kMaxWatermark) source.watermark_ms = wm.value();
    snap.sources.push_back(std::move(source));
  }
  for (const auto& job : jobs_) snap.sinks.push_back({job.sink->name(), job.sink->rows_written()});
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  snap.started_ms = snapshot_.started_ms != 0 ? snapshot_.started_ms : last_commit_ms_;
  snapshot_ = std::move(snap);
}

PipelineSnapshot Pipeline::snapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  return snapshot_;
}

Status Pipeline::Run(const std::atomic<bool>& stop) {
  RETURN_IF_ERROR(Open());
  int64_t epoch_start = WallClockMillis();
  bool bounded_end = sources_.empty();
  while (!stop.load() && !bounded_end) {
    const int64_t now = WallClockMillis();
    ASSIGN_OR_RETURN(bool any, PollSources(now));
    RETURN_IF_ERROR(CheckIdleSplits(now));
    bounded_end = true;
    for (auto& stage : sources_) bounded_end &= stage->reader().Finished();
    if (bounded_end) RETURN_IF_ERROR(FinishSources());
    if (bounded_end || now - epoch_start >= options_.epoch_interval_ms) {
      RETURN_IF_ERROR(CommitEpoch());
      epoch_start = now;
    }
    if (!any && !bounded_end) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!bounded_end) RETURN_IF_ERROR(CommitEpoch());
  finished_ = bounded_end;
  PublishSnapshot(bounded_end ? "finished" : "stopped");
  return Close();
}

Status Pipeline::Replay(const std::string& epoch_log_path) {
  ASSIGN_OR_RETURN(auto epochs, EpochLog::ReadFile(epoch_log_path));
  log_ = std::make_unique<EpochLog>();
  RETURN_IF_ERROR(Open());
  for (const auto& [epoch, entries] : epochs) {
    for (const auto& entry : entries) {
      if (entry.source >= sources_.size()) {
        return Status::DataError(fmt::format("{}: epoch {} names source {} of {}", epoch_log_path,
                                             epoch.value(), entry.source, sources_.size()));
      }
      if (entry.kind != EpochLogEntry::Kind::kBatch) {
        RETURN_IF_ERROR(ConsumeEntry(entry, nullptr));
        continue;
      }
      ASSIGN_OR_RETURN(SourceBatch batch, sources_[entry.source]->reader().ReadUntil(
                                              SplitId(entry.split), entry.end_position));
      RETURN_IF_ERROR(ConsumeEntry(entry, &batch));
    }
    epoch_ = epoch;
    RETURN_IF_ERROR(CommitEpoch());
  }
  return Close();
}

std::string Pipeline::Describe() const {
  std::string s;
  for (const auto& stage : sources_) {
    s += fmt::format("Source[{}]: {} split(s)\n", stage->table_name(),
                     stage->reader().num_splits());
  }
  for (const auto& job : jobs_) s += job.Describe();
  return s;
}

PipelineStats Pipeline::stats() const {
  PipelineStats st;
  st.epochs_committed = epoch_.value() - 1;
  for (const auto& stage : sources_) st.records_in += stage->records_in();
  for (const auto& job : jobs_) st.rows_out += job.sink->rows_written();
  st.bad_records = bad_records_->count();
  return st;
}

}  // namespace sluice::runtime
