#include "connectors/clickhouse/clickhouse_sink.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "common/logging.h"
#include "connectors/clickhouse/clickhouse_table_creator.h"
#include "connectors/clickhouse/clickhouse_table_schema.h"
#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {
namespace {

std::string TrimSetting(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Returns the 64-bit FNV-1a hash of `bytes`.
uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Returns base * 2^attempt capped at `max`, times a random factor in [0.5, 1].
}  // namespace

ClickHouseSink::ClickHouseSink(ClickHouseSinkOptions options, SchemaPtr input_schema,
                               std::vector<std::string> field_names, std::string epoch_scope,
                               std::string sink_name)
    : options_(std::move(options)),
      input_schema_(std::move(input_schema)),
      field_names_(std::move(field_names)),
      epoch_scope_(std::move(epoch_scope)),
      sink_name_(std::move(sink_name)) {}

Result<std::unique_ptr<runtime::SinkWriter>> ClickHouseSink::Create(
    const runtime::SinkContext& context) {
  if (!context.table) return Status::Internal("connector 'clickhouse' needs a table");
  if (context.changelog && context.table->primary_key.empty()) {
    return Status::PlanError(fmt::format(
        "sink '{}' (connector 'clickhouse') receives updates and deletes: declare its PRIMARY KEY "
        "(...) NOT ENFORCED to write them as upserts into a ReplacingMergeTree table",
        context.table->name));
  }
  ASSIGN_OR_RETURN(ClickHouseSinkOptions options,
                   ClickHouseSinkOptions::Parse(context.table->options));
  options.upsert = context.changelog;
  options.partial_merge = context.partial_merge;
  options.split_blocks = context.split_blocks || options.partial;
  if (options.partial != !options.partial_merge.empty()) {
    return Status::Internal(
        fmt::format("sink '{}': 'sink.aggregation' and the plan's partial aggregates disagree",
                    context.table->name));
  }
  options.primary_key = context.table->primary_key;
  // The table's column names when they match the input, as the other sinks do.
  std::vector<std::string> names;
  Schema table_schema = context.table->sink_schema();
  const Schema& names_from =
      table_schema.size() == context.input_schema->size() ? table_schema : *context.input_schema;
  for (const auto& f : names_from.fields()) names.push_back(f.name);
  if (table_schema.size() == context.input_schema->size()) options.declared_schema = table_schema;
  // Split blocks are identified by their bytes, the same from whichever process (run) read the
  // range: their tokens are scoped by the pipeline alone.
  std::string scope = options.split_blocks ? context.pipeline_name : context.epoch_scope();
  auto sink =
      std::make_unique<ClickHouseSink>(std::move(options), context.input_schema, std::move(names),
                                       std::move(scope), context.sink_name);
  if (context.bad_records && context.bad_records->routes_rejected_rows()) {
    sink->dead_letters_ = context.bad_records;
  }
  return std::unique_ptr<runtime::SinkWriter>(std::move(sink));
}

std::string ClickHouseSink::QualifiedTable() const {
  return options_.database + "." + options_.table;
}

Status ClickHouseSink::Open() {
  client_ = std::make_unique<ClickHouseHttpClient>(options_.url, options_.username,
                                                   options_.password, options_.request_timeout_ms);
  RETURN_IF_ERROR(WaitForServer());
  if (options_.create_table) RETURN_IF_ERROR(CreateTableIfMissing());
  RETURN_IF_ERROR(DetectFeatures());
  RETURN_IF_ERROR(BuildEncoder());
  LogInfo("clickhouse sink {}: server {} at {}, table {}, {}", sink_name_, server_version_,
          options_.url, QualifiedTable(), guarantee_);
  return Status::Ok();
}

Status ClickHouseSink::WaitForServer() {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.wait_for_server_ms);
  for (int attempt = 0;; ++attempt) {
    Result<std::string> version = client_->Query("SELECT version()");
    if (version.ok()) {
      server_version_ = TrimSetting(*version);
      return Status::Ok();
    }
    if (!version.status().retryable()) return version.status();
    int64_t wait =
        RetryBackoffMillis(std::max<int64_t>(options_.retry_backoff_ms, 100),
                           std::max<int64_t>(options_.retry_backoff_max_ms, 100), attempt, jitter_);
    if (std::chrono::steady_clock::now() + std::chrono::milliseconds(wait) > deadline) {
      return Status::Unavailable(
          fmt::format("ClickHouse at {} did not answer within sink.wait-for-server ({} ms): {}",
                      options_.url, options_.wait_for_server_ms, version.status().message()));
    }
    LogWarn("clickhouse sink {}: server not ready (attempt {}): {}; retrying in {} ms", sink_name_,
            attempt + 1, version.status().message(), wait);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
}

Status ClickHouseSink::CreateTableIfMissing() {
  ClickHouseTableCreator::Definition definition;
  definition.database = options_.database;
  definition.table = options_.table;
  // The declared types (with their NOT NULL) when the table declares the sink's columns.
  const bool declared = options_.declared_schema.size() == input_schema_->size();
  for (size_t i = 0; i < input_schema_->size(); ++i) {
    definition.schema.Add({field_names_[i], declared ? options_.declared_schema.field(i).type
                                                     : input_schema_->field(i).type});
  }
  definition.primary_key = options_.primary_key;
  definition.order_by = options_.order_by;
  definition.partition_by = options_.partition_by;
  definition.upsert = options_.upsert;
  definition.partial_merge = options_.partial_merge;
  // Servers with insert_deduplication_token deduplicate plain MergeTree tables only with a window.
  auto window = client_->Query(
      "SELECT count() FROM system.merge_tree_settings WHERE name = "
      "'non_replicated_deduplication_window' FORMAT TabSeparated");
  if (window.ok() && TrimSetting(*window) == "1") definition.deduplication_window = 10000;
  ClickHouseTableCreator creator(client_.get());
  Result<std::vector<std::string>> ran = creator.Ensure(definition);
  if (!ran.ok()) {
    return ran.status().WithContext(
        fmt::format("clickhouse sink {}: creating table {}", sink_name_, QualifiedTable()));
  }
  if (ran->empty()) {
    LogInfo("clickhouse sink {}: table {} exists, not created", sink_name_, QualifiedTable());
  }
  for (const std::string& statement : *ran) {
    LogInfo("clickhouse sink {}: ran {}", sink_name_, statement);
  }
  return Status::Ok();
}

Status ClickHouseSink::DetectFeatures() {
  ASSIGN_OR_RETURN(std::string settings,
                   client_->Query("SELECT name FROM system.settings WHERE name = "
                                  "'insert_deduplication_token' FORMAT TabSeparated"));
  has_dedup_token_ = TrimSetting(settings) == "insert_deduplication_token";
  ASSIGN_OR_RETURN(std::string engine,
                   client_->Query(fmt::format(
                       "SELECT engine FROM system.tables WHERE database = {} AND name = {} "
                       "FORMAT TabSeparated",
                       ClickHouseHttpClient::QuoteLiteral(options_.database),
                       ClickHouseHttpClient::QuoteLiteral(options_.table))));
  engine = TrimSetting(engine);
  if (engine.empty()) {
    return Status::NotFound(
        fmt::format("ClickHouse table {} does not exist at {}", QualifiedTable(), options_.url));
  }
  ASSIGN_OR_RETURN(
      std::string create,
      client_->Query("SHOW CREATE TABLE " +
                     ClickHouseHttpClient::QuoteIdentifier(options_.database) + "." +
                     ClickHouseHttpClient::QuoteIdentifier(options_.table) + " FORMAT TSVRaw"));
  if (options_.partial && engine.find("SummingMergeTree") == std::string::npos) {
    return Status::PlanError(fmt::format(
        "clickhouse sink {}: 'sink.aggregation' = 'partial' writes partial aggregates, which only "
        "a SummingMergeTree merges; table {} is {} (drop it and let 'sink.create-table' create "
        "it, or create it as (Replicated)SummingMergeTree)",
        sink_name_, QualifiedTable(), engine));
  }
  ClassifyGuarantee(engine, create);
  static const char* kLevels[] = {"at-least-once", "effectively-once", "exactly-once"};
  auto rank = [](const std::string& level) {
    return static_cast<int>(std::find(std::begin(kLevels), std::end(kLevels), level) -
                            std::begin(kLevels));
  };
  if (rank(guarantee_level_) < rank(options_.delivery_guarantee)) {
    return Status::PlanError(fmt::format(
        "clickhouse sink {}: 'sink.delivery-guarantee' = '{}' cannot hold for table {}: {}",
        sink_name_, options_.delivery_guarantee, QualifiedTable(), guarantee_));
  }
  return Status::Ok();
}

void ClickHouseSink::ClassifyGuarantee(const std::string& engine, const std::string& create) {
  const bool replicated = engine.rfind("Replicated", 0) == 0;
  const bool replacing = engine.find("ReplacingMergeTree") != std::string::npos;
  // "... SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 1000"
  const size_t window = create.find("non_replicated_deduplication_window");
  const size_t equals = window == std::string::npos ? window : create.find('=', window);
  const bool window_set =
      equals != std::string::npos && std::strtoll(create.c_str() + equals + 1, nullptr, 10) > 0;
  // Where replays are deduplicated, INSERT boundaries must depend on the epoch's rows only (no
  // time-based flushes), so a replayed epoch repeats its blocks exactly.
  deterministic_blocks_ = replicated || (has_dedup_token_ && window_set);
  if (has_dedup_token_ && (replicated || window_set)) {
    guarantee_level_ = "exactly-once";
    guarantee_ = fmt::format(
        "exactly-once (insert_deduplication_token per pipeline, sink, epoch and block; {})",
        engine);
  } else if (replicated) {
    guarantee_level_ = "exactly-once";
    guarantee_ = fmt::format(
        "exactly-once by identical replayed blocks ({} deduplicates a block it holds among its "
        "last replicated_deduplication_window blocks; server {} has no "
        "insert_deduplication_token)",
        engine, server_version_);
  } else if (replacing) {
    guarantee_level_ = "effectively-once";
    guarantee_ = fmt::format(
        "effectively-once (a replayed epoch may insert rows again; {} keeps one row per sorting "
        "key after merges or with FINAL)",
        engine);
  } else {
    guarantee_level_ = "at-least-once";
    guarantee_ = fmt::format(
        "at-least-once (a replayed epoch may insert its rows again: {} on server {} does not "
        "deduplicate{})",
        engine, server_version_,
        has_dedup_token_ ? " without SETTINGS non_replicated_deduplication_window" : "");
  }
}

Status ClickHouseSink::BuildEncoder() {
  ASSIGN_OR_RETURN(ClickHouseTableSchema table,
                   ClickHouseTableSchema::Load(client_.get(), options_.database, options_.table));
  std::vector<RowBinaryEncoder::ColumnSpec> specs;
  std::string columns;
  nested_ = ClickHouseNestedColumns();
  // Columns Nested splits into arrays come after the batch's (and the upsert columns).
  const size_t split_columns = input_schema_->size() + (options_.upsert ? 2 : 0);
  for (size_t i = 0; i < input_schema_->size(); ++i) {
    const std::string& name = field_names_[i];
    std::optional<size_t> target = table.Find(name);
    if (!target) {
      ASSIGN_OR_RETURN(bool split, nested_.Add(i, name, input_schema_->field(i).type, table,
                                               split_columns, &specs, &columns));
      if (split) continue;
      return Status::PlanError(
          fmt::format("column '{}' has no column of that name in ClickHouse table {} (it has: {})",
                      name, QualifiedTable(), table.ToString()));
    }
    const ClickHouseTableSchema::Column& column = table.columns()[*target];
    if (column.default_kind == "MATERIALIZED" || column.default_kind == "ALIAS") {
      return Status::PlanError(
          fmt::format("column '{}' of ClickHouse table {} is {} and cannot "
                      "be inserted into",
                      name, QualifiedTable(), column.default_kind));
    }
    if (!column.type_error.empty()) {
      return Status::PlanError(fmt::format(
          "column '{}' of type {} cannot be written to column '{}' of type {} in ClickHouse "
          "table {}: {}",
          name, input_schema_->field(i).type.WithNullable(true).ToString(), name,
          column.type_spelling, QualifiedTable(), column.type_error));
    }
    if (options_.partial) RETURN_IF_ERROR(CheckPartialColumn(i, column));
    specs.push_back({i, name, input_schema_->field(i).type, column.type});
    if (!columns.empty()) columns += ", ";
    columns += ClickHouseHttpClient::QuoteIdentifier(name);
  }
  if (options_.upsert) RETURN_IF_ERROR(AddUpsertColumns(table, &specs, &columns));
  ASSIGN_OR_RETURN(RowBinaryEncoder encoder,
                   RowBinaryEncoder::Create(std::move(specs), QualifiedTable()));
  encoder_ = std::move(encoder);
  insert_query_ = fmt::format("INSERT INTO {}.{} ({}) FORMAT RowBinary",
                              ClickHouseHttpClient::QuoteIdentifier(options_.database),
                              ClickHouseHttpClient::QuoteIdentifier(options_.table), columns);
  return Status::Ok();
}

Status ClickHouseSink::CheckPartialColumn(size_t index,
                                          const ClickHouseTableSchema::Column& column) const {
  const std::string& merge = options_.partial_merge[index];
  const std::string& state = column.type.aggregate_function;
  if ((merge == "min" || merge == "max") ? state == merge : state.empty()) return Status::Ok();
  std::string wanted = merge.empty()    ? "a key column"
                       : merge == "sum" ? "a number (SummingMergeTree adds it up)"
                                        : fmt::format("AggregateFunction({}, T)", merge);
  return Status::PlanError(fmt::format(
      "column '{}' of ClickHouse table {} is {}, but partial aggregation needs {} there",
      field_names_[index], QualifiedTable(), column.type_spelling, wanted));
}

Status ClickHouseSink::Write(EpochId epoch, int block, const Batch& batch) {
  if (!encoder_) return Status::Internal("clickhouse sink written before Open");
  if (epoch != current_epoch_) {
    if (buffered_rows_ > 0) RETURN_IF_ERROR(Flush(current_epoch_));
    current_epoch_ = epoch;
    flushes_in_epoch_ = 0;
  }
  if (batch.num_rows == 0) return Status::Ok();
  BatchPtr upserts = upsert_ ? upsert_->Convert(batch, epoch.value()) : nullptr;
  const Batch& rows = upserts ? *upserts : batch;
  size_t before = buffer_.size();
  Status encoded = nested_.empty() ? encoder_->Encode(rows, &buffer_)
                                   : encoder_->Encode(nested_.Expand(rows), &buffer_);
  if (!encoded.ok()) {
    buffer_.resize(before);
    if (!dead_letters_) return encoded;
    dead_letters_->ReportRejectedRows(
        sink_name_, fmt::format("{} epoch {} block {}", QualifiedTable(), epoch.value(), block),
        batch, encoded.message());
    return Status::Ok();
  }
  if (dead_letters_) buffered_batches_.push_back(batch);
  if (buffered_rows_ == 0) {
    first_buffered_ = std::chrono::steady_clock::now();
    ReserveBlock(rows.num_rows);
  }
  buffered_rows_ += static_cast<int64_t>(rows.num_rows);
  rows_in_flight_ += static_cast<int64_t>(rows.num_rows);
  bool full = buffered_rows_ >= options_.batch_size ||
              static_cast<int64_t>(buffer_.size()) >= options_.batch_bytes;
  bool old = !deterministic_blocks_ && std::chrono::steady_clock::now() - first_buffered_ >=
                                           std::chrono::milliseconds(options_.flush_interval_ms);
  // Split blocks (one split's output of an epoch) are one INSERT each, so a process that
  // re-reads the range after a takeover sends the same INSERT, which ClickHouse drops.
  if (full || old || options_.split_blocks) return Flush(epoch);
  return Status::Ok();
}

void ClickHouseSink::ReserveBlock(size_t first_rows) {
  // Sized once from the block's first batch: growing a block by doubling copies it and touches
  // twice its memory (page faults dominated the sink's own time). The buffers are reused.
  if (first_rows == 0) return;
  const double per_row = static_cast<double>(buffer_.size()) / static_cast<double>(first_rows);
  const double block = per_row * static_cast<double>(options_.batch_size) * 1.05 + 65536;
  const size_t want =
      static_cast<size_t>(std::min(block, static_cast<double>(options_.batch_bytes)));
  if (buffer_.capacity() < want) buffer_.reserve(want);
}

ClickHouseSink::~ClickHouseSink() = default;

Status ClickHouseSink::FlushEpoch(EpochId epoch) {
  if (buffered_rows_ == 0) return Status::Ok();
  return Flush(current_epoch_ == EpochId(-1) ? epoch : current_epoch_);
}

bool ClickHouseSink::Acknowledged() const { return !insert_queue_ || insert_queue_->Idle(); }

Status ClickHouseSink::CommitEpoch(EpochId epoch) {
  RETURN_IF_ERROR(FlushEpoch(epoch));
  return WaitForInFlight();
}

Status ClickHouseSink::Close() {
  if (encoder_ && buffered_rows_ > 0) RETURN_IF_ERROR(Flush(current_epoch_));
  return WaitForInFlight();
}

Status ClickHouseSink::WaitForInFlight() {
  if (!insert_queue_) return Status::Ok();
  Status sent = insert_queue_->Wait();
  if (!sent.ok()) rows_in_flight_ = buffered_rows_;  // the queued INSERTs were dropped
  return sent;
}

Status ClickHouseSink::Flush(EpochId epoch) {
  // INSERTs go out in order, one at a time, on the queue's thread; this one waits only while the
  // queue is full.
  ClickHouseInsertBlock block;
  if (has_dedup_token_) {
    // Split blocks are identified by their bytes (a function of one split's range, the same in
    // whichever process read it), not by this process's epoch numbers.
    block.settings.emplace_back(
        "insert_deduplication_token",
        options_.split_blocks
            ? fmt::format("{}/{}/{:016x}", epoch_scope_, sink_name_, Fnv1a(buffer_))
            : fmt::format("{}/{}/{}/{}", epoch_scope_, sink_name_, epoch.value(),
                          flushes_in_epoch_));
  }
  block.bytes = std::move(buffer_);
  block.batches = std::move(buffered_batches_);
  buffered_batches_.clear();
  block.name =
      fmt::format("{} epoch {} insert {}", QualifiedTable(), epoch.value(), flushes_in_epoch_);
  block.rows = buffered_rows_;
  buffered_rows_ = 0;
  ++flushes_in_epoch_;
  if (!insert_queue_) {
    insert_queue_ = std::make_unique<ClickHouseInsertQueue>(
        [this](const ClickHouseInsertBlock& b) { return InsertWithRetries(b); }, kMaxQueuedInserts);
  }
  buffer_ = insert_queue_->TakeBuffer();
  Status queued = insert_queue_->Push(std::move(block));
  if (!queued.ok()) rows_in_flight_ = buffered_rows_;  // this block and the queued ones dropped
  return queued;
}

Status ClickHouseSink::InsertWithRetries(const ClickHouseInsertBlock& block) {
  Status sent = SendWithRetries(block);
  rows_in_flight_ -= block.rows;
  if (sent.ok()) {
    rows_ += block.rows;
    bytes_ += static_cast<int64_t>(block.bytes.size());
  }
  return sent;
}

Status ClickHouseSink::SendWithRetries(const ClickHouseInsertBlock& block) {
  const int64_t rows = block.rows;
  for (int attempt = 0;; ++attempt) {
    auto start = std::chrono::steady_clock::now();
    Result<std::string> result = client_->Insert(insert_query_, block.bytes, block.settings);
    if (result.ok()) {
      ++inserts_;
      last_insert_micros_ = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
      if (request_latency_) request_latency_->Observe(last_insert_micros_ / 1e6);
      return Status::Ok();
    }
    const Status& error = result.status();
    if (!error.retryable()) {
      ++failures_;
      if (dead_letters_) {  // the rows go to the dead-letter table; the pipeline goes on
        for (const Batch& b : block.batches) {
          dead_letters_->ReportRejectedRows(sink_name_, block.name, b, error.message());
        }
        return Status::Ok();
      }
      return error.WithContext(
          fmt::format("clickhouse sink {} ({})", sink_name_, QualifiedTable()));
    }
    if (attempt >= options_.max_retries) {
      ++failures_;
      return Status::Unavailable(fmt::format(
          "clickhouse sink {}: INSERT into {} failed {} times, giving up (sink.max-retries = "
          "{}): {}",
          sink_name_, QualifiedTable(), attempt + 1, options_.max_retries, error.message()));
    }
    ++retries_;
    int64_t wait = RetryBackoffMillis(options_.retry_backoff_ms, options_.retry_backoff_max_ms,
                                      attempt, jitter_);
    LogWarn(
        "clickhouse sink {}: INSERT of {} rows failed (attempt {} of {}): {}; retrying in {} ms",
        sink_name_, rows, attempt + 1, options_.max_retries + 1, error.message(), wait);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
}

Status ClickHouseSink::AddUpsertColumns(const ClickHouseTableSchema& table,
                                        std::vector<RowBinaryEncoder::ColumnSpec>* specs,
                                        std::string* columns) {
  const size_t n = input_schema_->size();
  const std::pair<const char*, LogicalType> extra[] = {
      {ClickHouseUpsertRows::kVersionColumn, LogicalType::BigInt().WithNullable(false)},
      {ClickHouseUpsertRows::kDeletedColumn, LogicalType::Boolean().WithNullable(false)}};
  for (size_t e = 0; e < 2; ++e) {
    std::optional<size_t> target = table.Find(extra[e].first);
    if (!target || !table.columns()[*target].type_error.empty()) {
      return Status::PlanError(fmt::format(
          "the query produces updates, so ClickHouse table {} must be an upsert table: ENGINE = "
          "ReplacingMergeTree({}) ORDER BY the primary key, with columns {} UInt64 and {} UInt8 "
          "(set 'sink.create-table' = 'true' to create it)",
          QualifiedTable(), ClickHouseUpsertRows::kVersionColumn,
          ClickHouseUpsertRows::kVersionColumn, ClickHouseUpsertRows::kDeletedColumn));
    }
    specs->push_back({n + e, extra[e].first, extra[e].second, table.columns()[*target].type});
    *columns += ", " + ClickHouseHttpClient::QuoteIdentifier(extra[e].first);
  }
  // Versions continue above the table's largest, so this run's changes win over earlier runs'.
  ASSIGN_OR_RETURN(
      std::string max_version,
      client_->Query(fmt::format("SELECT max({}) FROM {} FORMAT TabSeparated",
                                 ClickHouseUpsertRows::kVersionColumn, QualifiedTable())));
  auto base = ParseIntegerText(TrimSetting(max_version));
  upsert_.emplace(base ? *base + 1 : 0);
  return Status::Ok();
}

std::string ClickHouseSink::Describe() const {
  return fmt::format("clickhouse {} {}, {}", options_.url, QualifiedTable(), guarantee_);
}

std::optional<runtime::SinkDeliveryCounters> ClickHouseSink::delivery_counters() const {
  runtime::SinkDeliveryCounters c;
  c.bytes = bytes_.load();
  c.requests = inserts_.load();
  c.retries = retries_.load();
  c.failures = failures_.load();
  c.rows_in_flight = rows_in_flight_.load();
  return c;
}

ClickHouseSinkCounters ClickHouseSink::counters() const {
  return {rows_.load(),    bytes_.load(),    inserts_.load(),
          retries_.load(), failures_.load(), last_insert_micros_.load()};
}

}  // namespace sluice::connectors
