#include "runtime/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "common/byte_size.h"
#include "common/crash_point.h"
#include "common/duration.h"
#include "common/logging.h"
#include "common/wall_clock.h"
#include "runtime/durable_file.h"
#include "runtime/read_ahead_reader.h"
#include "runtime/run_identity.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"

namespace sluice::runtime {
namespace {

/// Returns the table's 'scan.watermark.idle-timeout', or `fallback` when it sets none.
Result<int64_t> IdleTimeoutMillis(const sql::CatalogTable& table, int64_t fallback) {
  std::string value = table.option("scan.watermark.idle-timeout");
  if (value.empty()) return fallback;
  auto ms = ParseDurationMillis(value);
  if (!ms.ok()) {
    return ms.status().WithContext(
        fmt::format("table '{}' option 'scan.watermark.idle-timeout'", table.name));
  }
  return *ms;
}

/// Returns the table's 'scan.read-ahead' (default true): whether its reader, if it can, reads and
/// decodes on a thread of its own (ReadAheadReader).
Result<bool> ReadAheadWanted(const sql::CatalogTable& table) {
  const std::string value = table.option("scan.read-ahead");
  if (value.empty() || value == "true") return true;
  if (value == "false") return false;
  return Status::InvalidArgument(fmt::format(
      "table '{}' option 'scan.read-ahead' = '{}': expected 'true' or 'false'", table.name, value));
}

}  // namespace

Pipeline::~Pipeline() = default;

Result<std::unique_ptr<Pipeline>> Pipeline::Create(const sql::PipelinePlan& plan,
                                                   const ConnectorRegistry& connectors,
                                                   const expr::FunctionRegistry& functions) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  ASSIGN_OR_RETURN(p->options_, PipelineOptions::FromSettings(
                                    plan.settings, PipelineOptions::DefaultName(plan.file_name)));
  if (!plan.settings.count("state.dir") && !plan.file_name.empty()) {
    // './.sluice/state/<name>' next to the pipeline file, so runs of the same file share it.
    const std::string dir = std::filesystem::path(plan.file_name).parent_path().string();
    p->options_.state_dir = (dir.empty() ? "." : dir) + "/.sluice/state/" + p->options_.name;
  }
  p->options_.run_id = RunIdentity::Resolve(p->options_.state_dir, p->options_.start_fresh);
  p->bad_records_ = std::make_unique<BadRecordReporter>(p->options_.dead_letter_path);
  if (!p->options_.dead_letter_table.empty()) {
    auto table = plan.tables.find(p->options_.dead_letter_table);  // checked by the planner
    if (table == plan.tables.end()) return Status::Internal("dead-letter table not planned");
    ASSIGN_OR_RETURN(p->dead_letters_,
                     DeadLetterSink::Create(table->second, connectors, p->options_.name,
                                            p->options_.run_id, plan.settings));
    p->bad_records_->set_dead_letters(p->dead_letters_.get());
  }
  for (const auto& job_node : plan.jobs) {
    ASSIGN_OR_RETURN(Job job, Job::Build(job_node, connectors, functions, p->options_,
                                         plan.settings, p->bad_records_.get()));
    p->has_partial_jobs_ |= job.partial != nullptr;
    p->has_repartitioned_jobs_ |= job.repartitioned != nullptr;
    p->jobs_.push_back(std::move(job));
  }
  p->stateful_ = std::make_unique<StatefulOperators>(p->jobs_);
  RETURN_IF_ERROR(p->CreateSources(plan.settings, connectors, functions));
  return p;
}

Status Pipeline::CreateSources(const std::map<std::string, std::string>& settings,
                               const ConnectorRegistry& connectors,
                               const expr::FunctionRegistry& functions) {
  // Every scan of one table shares one reader (one consumer, one position), in first-use order.
  std::vector<std::vector<std::pair<const Job*, const Job::ScanInput*>>> tables;
  std::map<std::string, size_t> table_index;
  for (const auto& job : jobs_) {
    for (const auto& scan : job.scans) {
      auto [it, added] = table_index.emplace(scan.scan->scan.table->name, tables.size());
      if (added) tables.emplace_back();
      tables[it->second].emplace_back(&job, &scan);
    }
  }
  for (const auto& scans : tables) {
    std::vector<const sql::ScanSpec*> specs;
    for (const auto& [job, scan] : scans) specs.push_back(&scan->scan->scan);
    SourceStage::Read read = SourceStage::UnionOfReads(specs);
    SourceContext context;
    // A repartitioning job A reads its input with the partition and offset metadata columns
    // appended (sql's RepartitionRewriter): the reader decodes from the widest declaration.
    context.table = specs[0]->table;
    for (const sql::ScanSpec* spec : specs) {
      if (spec->table->columns.size() > context.table->columns.size()) context.table = spec->table;
    }
    context.decoded_schema = read.schema;
    context.decoded_columns = read.columns;
    context.bad_records = bad_records_.get();
    context.pipeline_name = options_.name;
    context.settings = settings;
    ASSIGN_OR_RETURN(auto reader, connectors.CreateSource(context));
    ASSIGN_OR_RETURN(bool read_ahead, ReadAheadWanted(*context.table));
    if (read_ahead && reader->SupportsReadAhead()) {
      auto wrapped = std::make_unique<ReadAheadReader>(std::move(reader));
      read_ahead_.push_back(wrapped.get());
      reader = std::move(wrapped);
    }
    auto stage = std::make_unique<SourceStage>(context.table->name, std::move(reader), read.columns,
                                               bad_records_.get());
    for (const auto& [job, scan] : scans) {
      RETURN_IF_ERROR(
          stage->AddScan(scan->scan->scan, scan->consumer, scan->input, functions, job->name));
    }
    ASSIGN_OR_RETURN(int64_t idle, IdleTimeoutMillis(*context.table, options_.idle_timeout_ms));
    idle_timeout_ms_.push_back(idle);
    sources_.push_back(std::move(stage));
  }
  return Status::Ok();
}

Status Pipeline::OpenState() {
  log_path_ = options_.epoch_log_path;
  if (has_partial_jobs_ && !options_.state_dir.empty()) {
    LogInfo(
        "partial aggregation holds no state across epochs: the consumer group's offsets and "
        "intents are its recovery state, 'state.dir' is not used");
  } else if (!replaying_log_file_ && !options_.state_dir.empty()) {
    auto store = CheckpointStore::Open(options_.state_dir);
    if (store.ok()) {
      store_ = std::move(*store);
      if (log_path_.empty()) log_path_ = options_.state_dir + "/epochs.log";
    } else if (store.status().retryable()) {
      if (RunIdentity::IsStored(options_.state_dir, options_.run_id)) {
        // Taken between Create and now by a process that writes with this identity too.
        return store.status();
      }
      LogWarn("{}; running without state (no recovery after a crash)", store.status().message());
    } else {
      return store.status();
    }
  }
  if (replaying_log_file_) log_path_.clear();
  log_ = std::make_unique<EpochLog>(log_path_);
  return Status::Ok();
}

Status Pipeline::Open() {
  RETURN_IF_ERROR(OpenState());
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
  positions_.assign(sources_.size(), {});
  if (has_repartitioned_jobs_) RETURN_IF_ERROR(LinkRepartitionedJobs());
  if (dead_letters_) {
    RETURN_IF_ERROR(dead_letters_->Open().WithContext("dead-letter table"));
    LogInfo("dead letters: {}", dead_letters_->Describe());
  }
  for (const auto& job : jobs_) LogInfo("job {}: {}", job.name, job.sink->Describe());
  if (metrics_registry_ != nullptr) {
    metrics_ = std::make_unique<PipelineMetrics>(metrics_registry_, options_.name);
    for (auto& stage : sources_) {
      metrics_->AddSource(stage->table_name(), stage->reader().num_splits(), &stage->reader());
    }
    for (const auto& job : jobs_) metrics_->AddSink(job.sink->name(), &job.sink->writer());
    for (const auto& e : stateful_->entries()) metrics_->AddOperator(e.job, e.name);
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
  if (dead_letters_) {
    Status s = dead_letters_->Close();
    if (first.ok() && !s.ok()) first = s;
  }
  return first;
}

Status Pipeline::ConsumeEntry(const EpochLogEntry& entry, const SourceBatch* batch, bool log) {
  SourceStage& stage = *sources_[entry.source];
  switch (entry.kind) {
    case EpochLogEntry::Kind::kBatch: {
      if (has_partial_jobs_ || has_repartitioned_jobs_) SetPartialSplit(entry);
      if (has_repartitioned_jobs_) {
        RETURN_IF_ERROR(
            repartitioned_splits_.BeforeBatch(entry, batch->batch && batch->batch->num_rows > 0));
      }
      const int64_t before = stage.records_in();
      RETURN_IF_ERROR(stage.ProcessBatch(*batch, entry.processing_time_ms));
      RETURN_IF_ERROR(CheckStateMemory());
      if (metrics_) {
        metrics_->RecordBatch(entry.source, entry.split, stage.records_in() - before,
                              stage.watermark());
      }
      // Batches without rows (a split's announcement, only bad records) move no position that
      // matters: re-reading them after a restore is harmless.
      if (batch->batch && batch->batch->num_rows > 0) {
        positions_[entry.source][entry.split] = entry.end_position;
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
  if (log) log_->Append(entry);
  return Status::Ok();
}

Status Pipeline::CheckStateMemory() {
  size_t total = 0;
  size_t in_sinks = 0;
  size_t largest = 0;
  const Operator* largest_op = nullptr;
  const Job* largest_job = nullptr;
  for (const Job& job : jobs_) {
    for (const auto& op : job.operators) {
      const size_t bytes = op->StateBytes();
      total += bytes;
      if (op.get() == job.sink) {
        in_sinks += bytes;
      } else if (bytes > largest) {
        largest = bytes;
        largest_op = op.get();
        largest_job = &job;
      }
    }
  }
  // Batches read ahead are shown with the state, not held against the limit: they drain by
  // being consumed, and whether the run stops must not depend on how far a thread got.
  size_t read_ahead = 0;
  for (const ReadAheadReader* reader : read_ahead_) read_ahead += reader->queued_bytes();
  state_bytes_ = total + read_ahead;
  // The epoch's end is logged, so a replay ends it at the same place without checking.
  const int64_t max_output = options_.epoch_max_output_bytes;
  if (max_output > 0 && in_sinks >= static_cast<size_t>(max_output) && !recovering_ &&
      !replaying_log_file_) {
    epoch_full_ = true;
  }
  const int64_t limit = options_.max_state_bytes;
  if (limit <= 0 || total <= static_cast<size_t>(limit)) return Status::Ok();
  if (total - in_sinks <= static_cast<size_t>(limit)) {
    // Backpressure: the epoch ends after this batch and the sinks write what they hold before
    // any source is polled again. Where it ends is logged, so a replay (which never drains)
    // ends it there too.
    if (!recovering_ && !replaying_log_file_) drain_sinks_ = true;
    return Status::Ok();
  }
  return Status::IoError(fmt::format(
      "operator state holds {}, over 'pipeline.max-memory' = {}: {} of it in {} of job '{}' "
      "(raise the limit, set 'table.exec.state.ttl', or group by fewer keys)",
      FormatByteSize(static_cast<int64_t>(total)), FormatByteSize(limit),
      FormatByteSize(static_cast<int64_t>(largest)), largest_op->Describe(), largest_job->name));
}

void Pipeline::LogMemoryDrain() {
  size_t in_sinks = 0;
  for (const Job& job : jobs_) in_sinks += job.sink->StateBytes();
  drain_log_.Warn(fmt::format(
      "'pipeline.max-memory' = {} reached ({} buffered, {} of it sink output): epoch {} ends "
      "early, sources paused while the sinks drain",
      FormatByteSize(options_.max_state_bytes), FormatByteSize(static_cast<int64_t>(state_bytes_)),
      FormatByteSize(static_cast<int64_t>(in_sinks)), epoch_.value()));
}

Result<bool> Pipeline::PollSources(int64_t now_ms) {
  bool any = false;
  for (size_t k = 0; k < sources_.size(); ++k) {
    size_t s = (next_source_ + k) % sources_.size();
    SourceStage& stage = *sources_[s];
    if (stage.reader().Finished()) continue;
    bad_records_->set_processing_time_ms(now_ms);
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
  RETURN_IF_ERROR(CommitInFlight());
  ASSIGN_OR_RETURN(auto sealed, log_->Seal(epoch_));
  if (has_partial_jobs_) RETURN_IF_ERROR(FlushPartialJobs(sealed));
  if (has_repartitioned_jobs_) RETURN_IF_ERROR(FlushRepartitionedJobs());
  return FinishEpoch(/*write_sinks=*/true, sealed);
}

void Pipeline::SetPartialSplit(const EpochLogEntry& entry) {
  const SourceReader& reader = sources_[entry.source]->reader();
  const int64_t generation = reader.split_generation(SplitId(entry.split));
  for (auto& job : jobs_) {
    if (job.partial) job.partial->set_split(entry.source, entry.split, generation);
    if (job.repartitioned) job.repartitioned->set_split(entry.source, entry.split);
  }
}

Status Pipeline::LinkRepartitionedJobs() {
  for (auto& reader_job : jobs_) {
    if (!reader_job.repartitioned || reader_job.scans.empty()) continue;
    const std::string& topic_table = reader_job.scans[0].scan->scan.table->name;
    for (size_t s = 0; s < sources_.size(); ++s) {
      if (sources_[s]->table_name() != topic_table) continue;
      repartitioned_splits_.Add(s, &sources_[s]->reader(), reader_job.repartitioned);
    }
    for (const auto& writer_job : jobs_) {
      if (writer_job.name != topic_table || writer_job.scans.empty()) continue;
      const std::string& input = writer_job.scans[0].scan->scan.table->name;
      for (const auto& stage : sources_) {
        if (stage->table_name() != input) continue;
        const size_t partitions = stage->reader().total_splits();
        if (partitions == 0) {
          return Status::Unavailable(fmt::format(
              "job {}: cannot learn how many partitions '{}' has (its watermark waits for each)",
              reader_job.name, input));
        }
        reader_job.repartitioned->set_input_partitions(partitions);
        LogInfo("job {}: each internal partition's watermark waits for the {} partitions of '{}'",
                reader_job.name, partitions, input);
      }
    }
  }
  return Status::Ok();
}

Status Pipeline::FlushRepartitionedJobs() { return repartitioned_splits_.FlushEpoch(); }

Status Pipeline::FlushPartialJobs(const std::vector<EpochLogEntry>& sealed) {
  // Per source, the splits the epoch read; the reader records their ranges durably first.
  std::vector<std::vector<SplitId>> read(sources_.size());
  for (const EpochLogEntry& entry : sealed) {
    if (entry.kind != EpochLogEntry::Kind::kBatch) continue;
    std::vector<SplitId>& splits = read[entry.source];
    if (std::find(splits.begin(), splits.end(), SplitId(entry.split)) == splits.end()) {
      splits.push_back(SplitId(entry.split));
    }
  }
  std::set<PartialWindowAggregateOperator::SplitKey> writable;
  for (size_t s = 0; s < sources_.size(); ++s) {
    if (read[s].empty()) continue;
    const SourceReader& reader = sources_[s]->reader();
    ASSIGN_OR_RETURN(std::vector<SplitId> recorded, sources_[s]->reader().RecordIntents(read[s]));
    for (SplitId split : recorded) {
      writable.insert({s, split.value(), reader.split_generation(split)});
    }
  }
  for (auto& job : jobs_) {
    if (!job.partial) continue;
    RETURN_IF_ERROR(
        job.partial->FlushEpoch([&](const PartialWindowAggregateOperator::SplitKey& key) {
          return writable.count(key) > 0;
        }));
  }
  return Status::Ok();
}

Status Pipeline::FinishEpoch(bool write_sinks, const std::vector<EpochLogEntry>& entries) {
  // The epoch's source dead letters are complete; rows its sinks refuse from now on join them.
  if (dead_letters_) {
    dead_letters_->SealEpoch(entries.empty() ? 0 : entries.back().processing_time_ms);
  }
  for (auto& job : jobs_) {
    if (!write_sinks) {
      job.sink->DiscardEpoch();
      continue;
    }
    RETURN_IF_ERROR(job.sink->WriteEpoch(epoch_).WithContext("sink '" + job.sink->name() + "'"));
  }
  if (dead_letters_ && !write_sinks) dead_letters_->DiscardEpoch();
  InFlightEpoch sealed{epoch_, write_sinks,
                       std::vector<std::map<SplitId, std::string>>(sources_.size())};
  for (const EpochLogEntry& entry : entries) {
    if (entry.kind == EpochLogEntry::Kind::kBatch) {
      sealed.positions[entry.source][SplitId(entry.split)] = entry.end_position;
    }
  }
  in_flight_ = std::move(sealed);
  epoch_ = EpochId(epoch_.value() + 1);
  const bool checkpoint_due =
      store_ && !recovering_ &&
      WallClockMillis() - last_checkpoint_ms_ >= options_.checkpoint_interval_ms;
  // A checkpoint holds the state after this epoch: it is taken once the epoch is committed.
  if (!Pipelined() || checkpoint_due) RETURN_IF_ERROR(CommitInFlight());
  if (checkpoint_due) {
    Status s = WriteCheckpoint();
    if (!s.ok()) LogWarn("checkpoint failed: {} (retried next epoch)", s.message());
  }
  return Status::Ok();
}

bool Pipeline::Pipelined() const {
  return !recovering_ && !replaying_log_file_ && !has_partial_jobs_ && !has_repartitioned_jobs_;
}

bool Pipeline::InFlightAcknowledged() const {
  if (!in_flight_) return false;
  for (const auto& job : jobs_) {
    if (!job.sink->Acknowledged()) return false;
  }
  return true;
}

Status Pipeline::CommitInFlight() {
  if (!in_flight_) return Status::Ok();
  const EpochId epoch = in_flight_->epoch;
  if (in_flight_->written) {
    for (auto& job : jobs_) {
      RETURN_IF_ERROR(job.sink->CommitEpoch(epoch).WithContext("sink '" + job.sink->name() + "'"));
    }
    // After the jobs' sinks: rows they refused are dead letters of this epoch.
    if (dead_letters_) RETURN_IF_ERROR(dead_letters_->WriteEpoch(epoch));
    // Job B's split states after the epoch (its epochs are not pipelined: the state is the
    // epoch's end), before the epoch and its positions are committed.
    if (has_repartitioned_jobs_) RETURN_IF_ERROR(repartitioned_splits_.StoreStates());
    RETURN_IF_ERROR(log_->Commit(epoch));
  }
  if (has_repartitioned_jobs_) repartitioned_splits_.EndEpoch();
  for (size_t s = 0; s < sources_.size(); ++s) {
    Status committed = sources_[s]->reader().CommitConsumed(in_flight_->positions[s]);
    if (!committed.ok()) {
      LogWarn("table '{}': {} (committed next epoch)", sources_[s]->table_name(),
              committed.message());
    }
  }
  in_flight_.reset();
  committed_epoch_ = epoch;
  const int64_t now = WallClockMillis();
  if (metrics_) {
    std::vector<int64_t> sink_rows;
    for (const auto& job : jobs_) sink_rows.push_back(job.sink->rows_written());
    metrics_->RecordCommit(epoch.value(), static_cast<double>(now - last_commit_ms_) / 1000.0,
                           sink_rows, bad_records_->count(), stateful_->Stats());
    metrics_->RecordStateBytes(static_cast<int64_t>(state_bytes_));
  }
  last_commit_ms_ = now;
  PublishSnapshot("running");
  return Status::Ok();
}

void Pipeline::PublishSnapshot(const char* state) {
  PipelineSnapshot snap;
  snap.name = options_.name;
  snap.state = state;
  snap.last_commit_ms = last_commit_ms_;
  snap.last_committed_epoch = committed_epoch_.value();
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
    const SourceReader& reader = stage->reader();
    for (size_t i = 0; i < reader.num_splits(); ++i) {
      SplitId split(static_cast<int64_t>(i));
      if (!reader.split_owned(split)) continue;
      source.splits.push_back({reader.split_name(split), reader.split_backlog(split)});
    }
    snap.sources.push_back(std::move(source));
  }
  for (const auto& job : jobs_) snap.sinks.push_back({job.sink->name(), job.sink->rows_written()});
  snap.operators = stateful_->Snapshot();
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
  RETURN_IF_ERROR(Recover());
  int64_t epoch_start = WallClockMillis();
  bool bounded_end = sources_.empty();
  while (!stop.load() && !bounded_end) {
    const int64_t now = WallClockMillis();
    ASSIGN_OR_RETURN(bool any, PollSources(now));
    // A test kills the process here: epoch N's writes in flight, N+1 being read.
    if (any && in_flight_) CrashPoint("epoch-writes-in-flight");
    RETURN_IF_ERROR(CheckIdleSplits(now));
    bounded_end = true;
    for (auto& stage : sources_) bounded_end &= stage->reader().Finished();
    if (bounded_end) RETURN_IF_ERROR(FinishSources());
    if (drain_sinks_) {
      ++memory_drains_;
      LogMemoryDrain();
    }
    // The epoch in flight commits as soon as its sinks acknowledged it, at the latest when the
    // current one ends.
    if (InFlightAcknowledged()) RETURN_IF_ERROR(CommitInFlight());
    if (bounded_end || drain_sinks_ || epoch_full_ ||
        now - epoch_start >= options_.epoch_interval_ms) {
      RETURN_IF_ERROR(CommitEpoch());
      // Sources stay paused until the sinks drained what memory pressure made them write.
      if (drain_sinks_) RETURN_IF_ERROR(CommitInFlight());
      drain_sinks_ = false;
      epoch_full_ = false;
      epoch_start = now;
    }
    if (!any && !bounded_end) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!bounded_end) RETURN_IF_ERROR(CommitEpoch());
  RETURN_IF_ERROR(CommitInFlight());
  finished_ = bounded_end;
  if (bounded_end && store_) {
    // The input is fully processed and every result is in the sinks: nothing to recover.
    RETURN_IF_ERROR(store_->Clear());
  }
  PublishSnapshot(bounded_end ? "finished" : "stopped");
  return Close();
}

Status Pipeline::ReplayEntries(const std::vector<EpochLogEntry>& entries, const std::string& what,
                               bool log) {
  for (const auto& entry : entries) {
    if (entry.source >= sources_.size()) {
      return Status::DataError(fmt::format("{}: epoch {} names source {} of {}", what,
                                           epoch_.value(), entry.source, sources_.size()));
    }
    if (entry.kind != EpochLogEntry::Kind::kBatch) {
      RETURN_IF_ERROR(ConsumeEntry(entry, nullptr, log));
      continue;
    }
    bad_records_->set_processing_time_ms(entry.processing_time_ms);
    ASSIGN_OR_RETURN(SourceBatch batch, sources_[entry.source]->reader().ReadUntil(
                                            SplitId(entry.split), entry.end_position));
    RETURN_IF_ERROR(ConsumeEntry(entry, &batch, log));
  }
  return Status::Ok();
}

Status Pipeline::Replay(const std::string& epoch_log_path) {
  ASSIGN_OR_RETURN(auto epochs, EpochLog::ReadFile(epoch_log_path));
  replaying_log_file_ = true;
  RETURN_IF_ERROR(Open());
  for (const auto& [epoch, entries] : epochs) {
    epoch_ = epoch;
    RETURN_IF_ERROR(ReplayEntries(entries, epoch_log_path, /*log=*/true));
    RETURN_IF_ERROR(CommitEpoch());
  }
  return Close();
}

std::string Pipeline::Describe() const {
  std::string s;
  for (const auto& stage : sources_) s += stage->Describe() + "\n";
  for (const auto& job : jobs_) s += job.Describe();
  return s;
}

PipelineStats Pipeline::stats() const {
  PipelineStats st;
  st.epochs_committed = committed_epoch_.value();
  for (const auto& stage : sources_) st.records_in += stage->records_in();
  for (const auto& job : jobs_) st.rows_out += job.sink->rows_written();
  st.bad_records = bad_records_->count();
  st.checkpoints_written = state_stats_.checkpoints_written;
  st.last_checkpoint_bytes = state_stats_.last_checkpoint_bytes;
  st.last_checkpoint_seconds = state_stats_.last_checkpoint_seconds;
  st.epochs_recovered = state_stats_.epochs_recovered;
  st.recovery_seconds = state_stats_.recovery_seconds;
  st.memory_drains = memory_drains_;
  return st;
}

std::string Pipeline::Fingerprint() const {
  std::string plan;
  for (const auto& stage : sources_) plan += "source " + stage->table_name() + "\n";
  for (const auto& job : jobs_) {
    plan += "job " + job.name + "\n";
    for (const auto& scan : job.scans) {
      const sql::ScanSpec& spec = scan.scan->scan;
      for (const auto& e : spec.outputs) plan += "output " + e->ToString() + "\n";
      if (spec.watermark_expr) plan += "watermark " + spec.watermark_expr->ToString() + "\n";
      if (spec.filter) plan += "filter " + spec.filter->ToString() + "\n";
    }
    for (const auto& op : job.operators) {
      plan += op.get() == job.sink ? "sink " + job.sink->name() : op->Describe();
      plan += "\n";
    }
  }
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : plan) h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

Result<std::string> Pipeline::SaveState(std::map<const Operator*, int64_t>* operator_bytes) const {
  StateEncoder out;
  out.PutI64(static_cast<int64_t>(sources_.size()));
  for (size_t s = 0; s < sources_.size(); ++s) {
    sources_[s]->SaveState(&out);
    out.PutI64(static_cast<int64_t>(positions_[s].size()));
    for (const auto& [split, position] : positions_[s]) {
      out.PutI64(split);
      out.PutString(position);
    }
  }
  out.PutI64(static_cast<int64_t>(jobs_.size()));
  for (const auto& job : jobs_) {
    out.PutI64(static_cast<int64_t>(job.operators.size()));
    for (const auto& op : job.operators) {
      StateEncoder op_state;
      RETURN_IF_ERROR(op->SaveState(&op_state).WithContext(op->Describe()));
      (*operator_bytes)[op.get()] = static_cast<int64_t>(op_state.data().size());
      out.PutString(op_state.data());
    }
  }
  return std::move(out.data());
}

Status Pipeline::RestoreState(const std::string& payload, const std::string& what) {
  StateDecoder in(payload, what);
  int64_t n = 0;
  RETURN_IF_ERROR(in.GetI64(&n));
  if (n != static_cast<int64_t>(sources_.size())) return in.Corrupt("source count differs");
  for (size_t s = 0; s < sources_.size(); ++s) {
    RETURN_IF_ERROR(sources_[s]->RestoreState(&in));
    int64_t count = 0;
    RETURN_IF_ERROR(in.GetI64(&count));
    for (int64_t i = 0; i < count; ++i) {
      int64_t split = 0;
      std::string position;
      RETURN_IF_ERROR(in.GetI64(&split));
      RETURN_IF_ERROR(in.GetString(&position));
      RETURN_IF_ERROR(sources_[s]
                          ->reader()
                          .SeekTo(SplitId(split), position)
                          .WithContext(fmt::format("table '{}': seeking to {}",
                                                   sources_[s]->table_name(), position)));
      positions_[s][static_cast<uint32_t>(split)] = position;
    }
  }
  RETURN_IF_ERROR(in.GetI64(&n));
  if (n != static_cast<int64_t>(jobs_.size())) return in.Corrupt("job count differs");
  for (auto& job : jobs_) {
    RETURN_IF_ERROR(in.GetI64(&n));
    if (n != static_cast<int64_t>(job.operators.size())) return in.Corrupt("operators differ");
    for (auto& op : job.operators) {
      std::string blob;
      RETURN_IF_ERROR(in.GetString(&blob));
      StateDecoder op_in(blob, what + " (" + op->Describe() + ")");
      RETURN_IF_ERROR(op->RestoreState(&op_in));
      if (!op_in.done()) return op_in.Corrupt("state not fully read");
    }
  }
  return Status::Ok();
}

Status Pipeline::WriteCheckpoint() {
  const auto start = std::chrono::steady_clock::now();
  Checkpoint checkpoint;
  checkpoint.epoch = EpochId(epoch_.value() - 1);
  checkpoint.fingerprint = Fingerprint();
  std::map<const Operator*, int64_t> operator_bytes;
  ASSIGN_OR_RETURN(checkpoint.payload, SaveState(&operator_bytes));
  ASSIGN_OR_RETURN(size_t bytes, store_->Write(checkpoint));
  checkpoint_epochs_[1] = checkpoint_epochs_[0];
  checkpoint_epochs_[0] = checkpoint.epoch;
  // Keep the epochs after the older kept checkpoint, so either checkpoint can be restored.
  if (options_.epoch_log_path.empty() && checkpoint_epochs_[1].value() > 0) {
    RETURN_IF_ERROR(log_->Compact(checkpoint_epochs_[1]));
  }
  last_checkpoint_ms_ = WallClockMillis();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ++state_stats_.checkpoints_written;
  state_stats_.last_checkpoint_bytes = static_cast<int64_t>(bytes);
  state_stats_.last_checkpoint_seconds = seconds;
  stateful_->SetStateBytes(operator_bytes);
  if (metrics_) {
    std::vector<int64_t> state_bytes;
    for (const auto& e : stateful_->entries()) state_bytes.push_back(e.state_bytes);
    metrics_->RecordCheckpoint(seconds, static_cast<int64_t>(bytes), state_bytes);
  }
  LogInfo("checkpoint after epoch {}: {} bytes in {:.3f} s (state in memory: {})",
          checkpoint.epoch.value(), bytes, seconds,
          FormatByteSize(static_cast<int64_t>(state_bytes_)));
  return Status::Ok();
}

Status Pipeline::RestoreCheckpoint(const Checkpoint& checkpoint) {
  const std::string fingerprint = Fingerprint();
  if (checkpoint.fingerprint != fingerprint) {
    return Status::InvalidArgument(fmt::format(
        "the state in {} was written by a different pipeline (plan fingerprint {}, this plan {}); "
        "it cannot be restored: run with --fresh or SET 'state.start-fresh' = 'true' to drop it "
        "and start over",
        store_->dir(), checkpoint.fingerprint, fingerprint));
  }
  RETURN_IF_ERROR(RestoreState(checkpoint.payload, fmt::format("{} checkpoint {}", store_->dir(),
                                                               checkpoint.epoch.value())));
  epoch_ = EpochId(checkpoint.epoch.value() + 1);
  committed_epoch_ = checkpoint.epoch;
  checkpoint_epochs_[0] = checkpoint.epoch;
  return Status::Ok();
}

Status Pipeline::Recover() {
  if (!store_) return Status::Ok();
  if (options_.start_fresh) {
    LogInfo("'state.start-fresh': dropping the state in {}", store_->dir());
    RETURN_IF_ERROR(store_->Clear());
    if (!options_.epoch_log_path.empty()) {
      RETURN_IF_ERROR(DurableFile::ReplaceAtomically(options_.epoch_log_path, ""));
    }
    return RunIdentity::Persist(store_->dir(), options_.run_id);
  }
  RETURN_IF_ERROR(RunIdentity::Persist(store_->dir(), options_.run_id));
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(auto checkpoint, store_->LoadLatest());
  if (checkpoint) RETURN_IF_ERROR(RestoreCheckpoint(*checkpoint));
  // Seeking re-reads input of committed epochs: its bad records were written then.
  if (dead_letters_) dead_letters_->DiscardEpoch();
  // The marker says a run with this state directory began and did not finish: only then does
  // the log (perhaps a user's 'execution.epoch-log.path' kept from finished runs) hold epochs to
  // recover.
  const std::string marker = store_->dir() + "/RUNNING";
  const bool unfinished = checkpoint.has_value() || std::filesystem::exists(marker);
  if (!unfinished) RETURN_IF_ERROR(DurableFile::ReplaceAtomically(marker, log_path_ + "\n"));
  std::vector<LoggedEpoch> logged;
  auto read = unfinished ? EpochLog::Read(log_path_) : Status::NotFound("fresh start");
  if (read.ok()) {
    logged = std::move(*read);
  } else if (read.status().code() != StatusCode::kNotFound) {
    return read.status();
  }
  recovering_ = true;
  for (const auto& e : logged) {
    if (e.epoch.value() < epoch_.value()) continue;  // covered by the checkpoint
    if (e.epoch.value() != epoch_.value()) {
      return Status::DataError(fmt::format(
          "{}: epoch {} follows {} (the log does not continue the checkpoint); run with --fresh "
          "to start over",
          log_path_, e.epoch.value(), epoch_.value() - 1));
    }
    RETURN_IF_ERROR(ReplayEntries(e.entries, log_path_, /*log=*/false));
    if (has_repartitioned_jobs_) RETURN_IF_ERROR(FlushRepartitionedJobs());
    RETURN_IF_ERROR(FinishEpoch(/*write_sinks=*/!e.committed, e.entries));
    ++state_stats_.epochs_recovered;
  }
  recovering_ = false;
  if (checkpoint || !logged.empty()) {
    state_stats_.recovery_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    LogInfo("recovered from {}: checkpoint after epoch {}, {} logged epoch(s) replayed in {:.3f} s",
            store_->dir(), checkpoint ? checkpoint->epoch.value() : 0,
            state_stats_.epochs_recovered, state_stats_.recovery_seconds);
    RETURN_IF_ERROR(WriteCheckpoint());
  }
  last_checkpoint_ms_ = WallClockMillis();
  return Status::Ok();
}

}  // namespace sluice::runtime
