#include "connectors/postgres/postgres_sink.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/logging.h"
#include "connectors/postgres/postgres_table_schema.h"

namespace sluice::connectors {
namespace {

// Returns base * 2^attempt capped at `max`, times a random factor in [0.5, 1].
std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += PostgresConnection::QuoteIdentifier(n);
  }
  return out;
}

}  // namespace

PostgresSink::PostgresSink(PostgresSinkOptions options, SchemaPtr input_schema,
                           std::vector<std::string> field_names, std::vector<std::string> key,
                           bool upsert, std::string epoch_scope, std::string sink_name)
    : options_(std::move(options)),
      input_schema_(std::move(input_schema)),
      field_names_(std::move(field_names)),
      key_(std::move(key)),
      upsert_(upsert),
      epoch_scope_(std::move(epoch_scope)),
      sink_name_(std::move(sink_name)),
      target_(options_.DisplayTarget()) {}

PostgresSink::~PostgresSink() = default;

Result<std::unique_ptr<runtime::SinkWriter>> PostgresSink::Create(
    const runtime::SinkContext& context) {
  if (!context.table) return Status::Internal("connector 'postgres' needs a table");
  ASSIGN_OR_RETURN(PostgresSinkOptions options, PostgresSinkOptions::Parse(context.table->options));
  // The table's column names when they match the input, as the other sinks do.
  std::vector<std::string> names;
  Schema table_schema = context.table->sink_schema();
  const Schema& names_from =
      table_schema.size() == context.input_schema->size() ? table_schema : *context.input_schema;
  for (const auto& f : names_from.fields()) names.push_back(f.name);
  bool upsert = context.changelog || !context.table->primary_key.empty();
  return std::unique_ptr<runtime::SinkWriter>(std::make_unique<PostgresSink>(
      std::move(options), context.input_schema, std::move(names), context.table->primary_key,
      upsert, context.epoch_scope(), context.sink_name));
}

Status PostgresSink::Open() {
  RETURN_IF_ERROR(WaitForServer());
  ASSIGN_OR_RETURN(PostgresTableSchema table,
                   PostgresTableSchema::Load(connection_.get(), options_.table));
  table_name_ = table.display_name();
  commits_table_ = table.quoted_schema() + ".sluice_commits";
  RETURN_IF_ERROR(BuildEncoder(table));
  RETURN_IF_ERROR(BuildStatements(table));
  RETURN_IF_ERROR(CreateCommitsTable());
  LogInfo("postgres sink {}: server {} at {}, table {} ({}), {}", sink_name_, server_version_,
          target_, table_name_, upsert_ ? "upsert" : "append", "exactly-once");
  return Status::Ok();
}

Status PostgresSink::Connect() {
  connection_.reset();
  ASSIGN_OR_RETURN(connection_, PostgresConnection::Connect(options_.ConnectionParameters()));
  server_version_ = connection_->server_version();
  return Status::Ok();
}

Status PostgresSink::WaitForServer() {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.wait_for_server_ms);
  for (int attempt = 0;; ++attempt) {
    Status connected = Connect();
    if (connected.ok() || !connected.retryable()) return connected;
    int64_t wait =
        RetryBackoffMillis(std::max<int64_t>(options_.retry_backoff_ms, 100),
                           std::max<int64_t>(options_.retry_backoff_max_ms, 100), attempt, jitter_);
    if (std::chrono::steady_clock::now() + std::chrono::milliseconds(wait) > deadline) {
      return Status::Unavailable(
          fmt::format("PostgreSQL at {} did not answer within sink.wait-for-server ({} ms): {}",
                      target_, options_.wait_for_server_ms, connected.message()));
    }
    LogWarn("postgres sink {}: server {} not ready (attempt {}): {}; retrying in {} ms", sink_name_,
            target_, attempt + 1, connected.message(), wait);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
}

Status PostgresSink::BuildEncoder(const PostgresTableSchema& table) {
  std::vector<PostgresRowEncoder::ColumnSpec> specs;
  for (size_t i = 0; i < input_schema_->size(); ++i) {
    const std::string& name = field_names_[i];
    std::optional<size_t> target = table.Find(name);
    if (!target) {
      return Status::PlanError(
          fmt::format("column '{}' has no column of that name in PostgreSQL table {} (it has: {})",
                      name, table_name_, table.ToString()));
    }
    const PostgresTableSchema::Column& column = table.columns()[*target];
    if (column.generated) {
      return Status::PlanError(
          fmt::format("column '{}' of PostgreSQL table {} is generated and cannot be written",
                      column.name, table_name_));
    }
    specs.push_back(
        {i, column.name, input_schema_->field(i).type, column.type_name, column.spelling});
  }
  ASSIGN_OR_RETURN(PostgresRowEncoder encoder,
                   PostgresRowEncoder::Create(std::move(specs), table_name_));
  encoder_ = std::move(encoder);
  return Status::Ok();
}

Status PostgresSink::BuildStatements(const PostgresTableSchema& table) {
  std::vector<std::string> columns;
  for (const auto& spec : encoder_->columns()) columns.push_back(spec.name);
  all_columns_.clear();
  for (size_t i = 0; i < columns.size(); ++i) all_columns_.push_back(i);
  copy_sql_ = fmt::format("COPY {} ({}) FROM STDIN", table.quoted_name(), JoinQuoted(columns));
  if (!upsert_) return Status::Ok();
  std::vector<std::string> key = key_.empty() ? table.PrimaryKey() : key_;
  if (key.empty()) {
    return Status::PlanError(fmt::format(
        "the query produces updates or deletes, but PostgreSQL table {} has no primary key and "
        "the sink table declares none: add PRIMARY KEY (...) NOT ENFORCED",
        table_name_));
  }
  std::vector<std::string> key_names;
  key_columns_.clear();
  for (const auto& k : key) {
    auto it = std::find_if(columns.begin(), columns.end(),
                           [&](const std::string& c) { return table.Find(k) == table.Find(c); });
    if (!table.Find(k) || it == columns.end()) {
      return Status::PlanError(fmt::format(
          "primary key column '{}' is not among the columns written to PostgreSQL table {}", k,
          table_name_));
    }
    key_columns_.push_back(static_cast<size_t>(it - columns.begin()));
    key_names.push_back(*it);
  }
  std::string updates;
  for (const auto& c : columns) {
    if (std::find(key_names.begin(), key_names.end(), c) != key_names.end()) continue;
    if (!updates.empty()) updates += ", ";
    updates += fmt::format("{0} = EXCLUDED.{0}", PostgresConnection::QuoteIdentifier(c));
  }
  insert_head_ =
      fmt::format("INSERT INTO {} ({}) VALUES ", table.quoted_name(), JoinQuoted(columns));
  upsert_tail_ = fmt::format(" ON CONFLICT ({}) DO {}", JoinQuoted(key_names),
                             updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
  delete_head_ =
      fmt::format("DELETE FROM {} WHERE ({}) IN (", table.quoted_name(), JoinQuoted(key_names));
  return Status::Ok();
}

Status PostgresSink::CreateCommitsTable() {
  std::string sql = fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (pipeline text NOT NULL, sink text NOT NULL, epoch bigint "
      "NOT NULL, committed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pipeline, sink))",
      commits_table_);
  Status created = connection_->Execute(sql);
  // Two sinks creating it at once: one of them meets a unique violation; the table exists then.
  if (!created.ok() && !created.retryable()) created = connection_->Execute(sql);
  return created.WithContext(
      fmt::format("postgres sink {}: creating {}", sink_name_, commits_table_));
}

Status PostgresSink::Write(EpochId epoch, int /*block*/, const Batch& batch) {
  if (!encoder_) return Status::Internal("postgres sink written before Open");
  if (epoch != epoch_) {
    if (HasEpochWork() || in_transaction_) RETURN_IF_ERROR(CommitEpoch(epoch_));
    ResetEpoch();
    epoch_ = epoch;
  }
  if (replayed_ || batch.num_rows == 0) return Status::Ok();
  if (unsent_rows_ == 0) first_unsent_ = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(upsert_ ? EncodeChanges(batch) : EncodeAppend(batch));
  bool full = unsent_rows_ >= options_.batch_size;
  bool old = std::chrono::steady_clock::now() - first_unsent_ >=
             std::chrono::milliseconds(options_.flush_interval_ms);
  if (defer_to_commit_ || !(full || old)) return Status::Ok();
  Status sent = SendPending();
  if (sent.ok() || !sent.retryable()) return sent;
  // The epoch stays buffered; CommitEpoch redoes its transaction with retries.
  LogWarn("postgres sink {}: sending epoch {} failed: {}; retrying at the epoch's commit",
          sink_name_, epoch_.value(), sent.message());
  DropTransaction();
  defer_to_commit_ = true;
  return Status::Ok();
}

Status PostgresSink::EncodeAppend(const Batch& batch) {
  for (size_t row = 0; row < batch.num_rows; ++row) {
    if (ops_.size() == sent_ops_ || ops_.back().rows >= options_.batch_size) {
      ops_.push_back({true, "", 0});
    }
    Op& op = ops_.back();
    size_t before = op.text.size();
    Status encoded = encoder_->AppendCopyRow(batch, row, &op.text);
    if (!encoded.ok()) {
      op.text.resize(before);
      return encoded.WithContext(fmt::format("postgres sink {}", sink_name_));
    }
    ++op.rows;
    ++unsent_rows_;
  }
  return Status::Ok();
}

Status PostgresSink::EncodeChanges(const Batch& batch) {
  std::string key;
  for (size_t row = 0; row < batch.num_rows; ++row) {
    RowKind kind = batch.row_kind(row);
    if (kind == RowKind::kUpdateBefore) continue;
    key.clear();
    RETURN_IF_ERROR(encoder_->AppendLiteralRow(batch, row, key_columns_, &key));
    if (kind == RowKind::kDelete) {
      if (pending_kind_ != Pending::kDelete || pending_rows_ >= options_.batch_size) {
        RETURN_IF_ERROR(StartStatement(Pending::kDelete));
      }
      if (pending_rows_ > 0) pending_ += ", ";
      pending_ += key;
    } else {
      // One INSERT ... ON CONFLICT may not touch a row twice: a repeated key starts a new one.
      if (pending_kind_ != Pending::kUpsert || pending_rows_ >= options_.batch_size ||
          pending_keys_.count(key) > 0) {
        RETURN_IF_ERROR(StartStatement(Pending::kUpsert));
      }
      if (pending_rows_ > 0) pending_ += ", ";
      RETURN_IF_ERROR(encoder_->AppendLiteralRow(batch, row, all_columns_, &pending_));
      pending_keys_.insert(key);
    }
    ++pending_rows_;
    ++unsent_rows_;
  }
  return Status::Ok();
}

Status PostgresSink::StartStatement(Pending kind) {
  CloseStatement();
  pending_kind_ = kind;
  pending_ = kind == Pending::kDelete ? delete_head_ : insert_head_;
  return Status::Ok();
}

void PostgresSink::CloseStatement() {
  if (pending_kind_ == Pending::kNone) return;
  pending_ += pending_kind_ == Pending::kDelete ? ")" : upsert_tail_;
  ops_.push_back({false, std::move(pending_), pending_rows_});
  pending_.clear();
  pending_kind_ = Pending::kNone;
  pending_rows_ = 0;
  pending_keys_.clear();
}

Status PostgresSink::BeginEpoch() {
  if (!connection_ || connection_->broken()) RETURN_IF_ERROR(Connect());
  RETURN_IF_ERROR(connection_->Execute("BEGIN"));
  in_transaction_ = true;
  ASSIGN_OR_RETURN(
      std::vector<PostgresConnection::Row> rows,
      connection_->Query(fmt::format("SELECT epoch FROM {} WHERE pipeline = $1 AND sink = $2 "
                                     "FOR UPDATE",
                                     commits_table_),
                         {epoch_scope_, sink_name_}));
  if (!rows.empty() && rows[0][0] && std::stoll(*rows[0][0]) >= epoch_.value()) {
    replayed_ = true;
    LogInfo("postgres sink {}: epoch {} is already committed in {} (last {}); skipping its writes",
            sink_name_, epoch_.value(), commits_table_, *rows[0][0]);
  }
  return Status::Ok();
}

Status PostgresSink::SendPending() {
  CloseStatement();
  if (!in_transaction_) RETURN_IF_ERROR(BeginEpoch());
  if (replayed_) return Status::Ok();
  for (; sent_ops_ < ops_.size(); ++sent_ops_) {
    const Op& op = ops_[sent_ops_];
    RETURN_IF_ERROR(op.copy ? connection_->CopyIn(copy_sql_, op.text)
                            : connection_->Execute(op.text));
  }
  unsent_rows_ = 0;
  return Status::Ok();
}

Status PostgresSink::FinishEpoch() {
  if (replayed_) {
    (void)connection_->Execute("ROLLBACK");
    in_transaction_ = false;
    return Status::Ok();
  }
  RETURN_IF_ERROR(connection_
                      ->Query(fmt::format("INSERT INTO {} (pipeline, sink, epoch) VALUES ($1, $2, "
                                          "$3) ON CONFLICT (pipeline, sink) DO UPDATE SET epoch "
                                          "= EXCLUDED.epoch, committed_at = now()",
                                          commits_table_),
                              {epoch_scope_, sink_name_, std::to_string(epoch_.value())})
                      .status());
  commit_sent_ = true;
  RETURN_IF_ERROR(connection_->Execute("COMMIT"));
  in_transaction_ = false;
  return Status::Ok();
}

Status PostgresSink::CommitEpoch(EpochId epoch) {
  if (epoch != epoch_ || (!HasEpochWork() && !in_transaction_)) {
    if (epoch == epoch_ && replayed_) ++skipped_epochs_;
    if (epoch == epoch_) ResetEpoch();
    return Status::Ok();
  }
  Status done = defer_to_commit_ ? Status::Unavailable("an earlier send failed") : SendPending();
  if (done.ok()) done = FinishEpoch();
  if (!done.ok() && done.retryable()) done = RedoEpoch(done);
  if (!done.ok()) {
    DropTransaction();
    return done.WithContext(fmt::format("postgres sink {} ({})", sink_name_, table_name_));
  }
  // A replay found after our own COMMIT was sent means that COMMIT went through.
  bool ours = !replayed_ || commit_sent_;
  int64_t rows = 0, bytes = 0;
  for (const Op& op : ops_) {
    rows += op.rows;
    bytes += static_cast<int64_t>(op.text.size());
  }
  if (ours) {
    rows_ += rows;
    bytes_ += bytes;
    ++epochs_;
  } else {
    ++skipped_epochs_;
  }
  ResetEpoch();
  return Status::Ok();
}

Status PostgresSink::RedoEpoch(Status error) {
  for (int attempt = 0;; ++attempt) {
    if (attempt >= options_.max_retries) {
      ++failures_;
      return Status::Unavailable(
          fmt::format("epoch {} failed {} times, giving up (sink.max-retries = {}): {}",
                      epoch_.value(), attempt + 1, options_.max_retries, error.message()));
    }
    ++retries_;
    int64_t wait = RetryBackoffMillis(options_.retry_backoff_ms, options_.retry_backoff_max_ms,
                                      attempt, jitter_);
    LogWarn("postgres sink {}: epoch {} failed (attempt {} of {}): {}; redoing it in {} ms",
            sink_name_, epoch_.value(), attempt + 1, options_.max_retries + 1, error.message(),
            wait);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    DropTransaction();
    error = SendPending();
    if (error.ok()) error = FinishEpoch();
    if (error.ok()) return error;
    if (!error.retryable()) {
      ++failures_;
      return error;
    }
  }
}

void PostgresSink::DropTransaction() {
  if (connection_ && !connection_->broken() && in_transaction_) {
    (void)connection_->Execute("ROLLBACK");
  }
  if (connection_ && connection_->broken()) connection_.reset();
  in_transaction_ = false;
  replayed_ = false;
  sent_ops_ = 0;
  unsent_rows_ = 0;
  for (const Op& op : ops_) unsent_rows_ += op.rows;
}

void PostgresSink::ResetEpoch() {
  ops_.clear();
  sent_ops_ = 0;
  unsent_rows_ = 0;
  in_transaction_ = false;
  replayed_ = false;
  commit_sent_ = false;
  defer_to_commit_ = false;
  pending_kind_ = Pending::kNone;
  pending_.clear();
  pending_rows_ = 0;
  pending_keys_.clear();
}

Status PostgresSink::Close() {
  if (!encoder_ || !(HasEpochWork() || in_transaction_)) return Status::Ok();
  return CommitEpoch(epoch_);
}

std::string PostgresSink::Describe() const {
  return fmt::format("postgres {} {}, exactly-once (epoch ids in sluice_commits)", target_,
                     table_name_.empty() ? options_.table : table_name_);
}

PostgresSinkCounters PostgresSink::counters() const {
  return {rows_.load(),           bytes_.load(),   epochs_.load(),
          skipped_epochs_.load(), retries_.load(), failures_.load()};
}

}  // namespace sluice::connectors
