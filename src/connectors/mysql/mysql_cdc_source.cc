#include "connectors/mysql/mysql_cdc_source.h"

#include <fmt/format.h>

#include <chrono>

#include "common/logging.h"

namespace sluice::connectors {
namespace {

using runtime::SourceBatch;

constexpr int kPollWaitMs = 0;  // the pipeline sleeps when no source had input
constexpr int kReplayTimeoutMs = 120000;

Result<MySqlBatchBuilder::Field> FieldFor(const sql::CatalogColumn& column) {
  MySqlBatchBuilder::Field field;
  field.name = column.name;
  if (column.kind != sql::ColumnKind::kMetadata) return field;
  const std::string key = column.metadata_key.empty() ? column.name : column.metadata_key;
  if (key == "database_name") {
    field.kind = MySqlBatchBuilder::FieldKind::kDatabaseName;
  } else if (key == "table_name") {
    field.kind = MySqlBatchBuilder::FieldKind::kTableName;
  } else if (key == "op_ts") {
    field.kind = MySqlBatchBuilder::FieldKind::kOpTs;
  } else {
    return Status::InvalidArgument(fmt::format(
        "connector 'mysql-cdc' has no metadata '{}'; it has 'database_name', 'table_name', "
        "'op_ts'",
        key));
  }
  return field;
}

// Returns "(`a`, `b`)" for the key columns of `schema`.
std::string KeyTuple(const MySqlTableSchema& schema) {
  std::string out = "(";
  for (size_t i = 0; i < schema.primary_key.size(); ++i) {
    out += (i ? ", " : "") + QuoteIdentifier(schema.columns[schema.primary_key[i]].name);
  }
  return out + ")";
}

std::string ValueTuple(MySqlConnection* connection, const std::vector<std::string>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + connection->Quote(values[i]);
  return out + ")";
}

std::string SelectList(const MySqlTableSchema& schema) {
  std::string out;
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const auto& c = schema.columns[i];
    std::string name = QuoteIdentifier(c.name);
    out += (i ? ", " : "") + (c.data_type == "bit" ? "CAST(" + name + " AS UNSIGNED)" : name);
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<runtime::SourceReader>> MySqlCdcSource::Create(
    const runtime::SourceContext& context) {
  ASSIGN_OR_RETURN(MySqlCdcOptions options, MySqlCdcOptions::Parse(context.table->options));
  std::vector<const sql::CatalogColumn*> stored;
  for (const auto& c : context.table->columns) {
    if (c.kind != sql::ColumnKind::kComputed) stored.push_back(&c);
  }
  std::vector<MySqlBatchBuilder::Field> fields;
  for (size_t i = 0; i < context.decoded_schema->size(); ++i) {
    size_t s = context.decoded_columns.empty() ? i : context.decoded_columns[i];
    if (s >= stored.size()) return Status::Internal("decoded column out of range");
    ASSIGN_OR_RETURN(MySqlBatchBuilder::Field field, FieldFor(*stored[s]));
    fields.push_back(std::move(field));
  }
  return std::unique_ptr<runtime::SourceReader>(std::make_unique<MySqlCdcSource>(
      context.table->name, std::move(options), context.decoded_schema, std::move(fields),
      context.bad_records));
}

MySqlCdcSource::MySqlCdcSource(std::string table_name, MySqlCdcOptions options, SchemaPtr schema,
                               std::vector<MySqlBatchBuilder::Field> fields,
                               runtime::BadRecordReporter* reporter)
    : table_name_(std::move(table_name)),
      options_(std::move(options)),
      schema_(schema),
      reporter_(reporter),
      builder_(table_name_, schema, std::move(fields), options_.server_time_zone_offset_ms,
               reporter),
      database_regex_(options_.database_name),
      table_regex_(options_.table_name) {}

MySqlCdcSource::~MySqlCdcSource() { Close(); }

bool MySqlCdcSource::Matches(const std::string& database, const std::string& table) const {
  return std::regex_match(database, database_regex_) &&
         (std::regex_match(table, table_regex_) ||
          std::regex_match(database + "." + table, table_regex_));
}

Result<MySqlCdcSource::Table> MySqlCdcSource::BindTable(const std::string& database,
                                                        const std::string& table) {
  Table out;
  ASSIGN_OR_RETURN(out.schema, MySqlTableSchema::Load(&meta_, database, table));
  if (out.schema.primary_key.empty()) {
    return Status::InvalidArgument(fmt::format(
        "mysql-cdc: table {}.{} has no primary key, which the snapshot needs", database, table));
  }
  out.binding.database = database;
  out.binding.table = table;
  for (const auto& field : builder_.fields()) {
    int index = -1;
    if (field.kind == MySqlBatchBuilder::FieldKind::kColumn) {
      index = out.schema.IndexOf(field.name);
      if (index < 0) {
        return Status::InvalidArgument(
            fmt::format("mysql-cdc: table {}.{} has no column '{}' (declared in table {})",
                        database, table, field.name, table_name_));
      }
    }
    out.binding.columns.push_back(index);
    out.binding.instant.push_back(
        index >= 0 && out.schema.columns[static_cast<size_t>(index)].data_type == "timestamp");
  }
  return out;
}

Status MySqlCdcSource::Open() {
  RETURN_IF_ERROR(meta_.Connect(options_));
  ASSIGN_OR_RETURN(auto settings, meta_.Query("SELECT @@log_bin, @@binlog_format, "
                                              "@@binlog_row_image"));
  if (settings.empty() || settings[0][0].value_or("0") != "1" ||
      settings[0][1].value_or("") != "ROW" || settings[0][2].value_or("") != "FULL") {
    return Status::InvalidArgument(
        "mysql-cdc: the server must run with log_bin on, binlog_format=ROW and "
        "binlog_row_image=FULL");
  }
  ASSIGN_OR_RETURN(auto names, meta_.Query("SELECT TABLE_SCHEMA, TABLE_NAME FROM "
                                           "information_schema.TABLES WHERE TABLE_TYPE = "
                                           "'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME"));
  tables_.clear();
  for (const auto& row : names) {
    const std::string database = row[0].value_or(""), table = row[1].value_or("");
    if (!Matches(database, table)) continue;
    ASSIGN_OR_RETURN(Table bound, BindTable(database, table));
    tables_.push_back(std::move(bound));
  }
  if (tables_.empty()) {
    return Status::NotFound(
        fmt::format("mysql-cdc: no table matches database-name '{}' and "
                    "table-name '{}'",
                    options_.database_name, options_.table_name));
  }
  return Status::Ok();
}

Status MySqlCdcSource::SeekTo(SplitId split, const std::string& position) {
  if (split.value() != 0) return Status::InvalidArgument("mysql-cdc has one split");
  ASSIGN_OR_RETURN(position_, MySqlCdcPosition::Parse(position));
  position_known_ = true;
  started_ = false;
  stream_.Stop();
  snapshot_.reset();
  return Status::Ok();
}

Status MySqlCdcSource::Start() {
  if (!position_known_ && options_.startup == MySqlCdcOptions::StartupMode::kLatestOffset) {
    ASSIGN_OR_RETURN(auto status, meta_.Query("SHOW MASTER STATUS"));
    if (status.empty()) return Status::InvalidArgument("mysql-cdc: the server has no binlog");
    position_ = MySqlCdcPosition{};
    position_.file = status[0][0].value_or("");
    position_.pos = std::stoull(status[0][1].value_or("4"));
    position_known_ = true;
  }
  if (!position_known_ || position_.snapshot) {
    RETURN_IF_ERROR(StartSnapshotTransaction());
  } else {
    RETURN_IF_ERROR(StartBinlog());
  }
  started_ = true;
  return Status::Ok();
}

Status MySqlCdcSource::StartSnapshotTransaction() {
  snapshot_ = std::make_unique<MySqlConnection>();
  RETURN_IF_ERROR(snapshot_->Connect(options_));
  RETURN_IF_ERROR(snapshot_->Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
  RETURN_IF_ERROR(snapshot_->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
  // MariaDB reports the binlog position that matches the transaction's snapshot.
  ASSIGN_OR_RETURN(auto status, snapshot_->Query("SHOW STATUS LIKE 'binlog_snapshot_%'"));
  std::string file;
  uint64_t pos = 0;
  for (const auto& row : status) {
    if (row[0] == "Binlog_snapshot_file") file = row[1].value_or("");
    if (row[0] == "Binlog_snapshot_position") pos = std::stoull(row[1].value_or("0"));
  }
  if (file.empty()) {
    return Status::InvalidArgument("mysql-cdc: the server reports no binlog snapshot position");
  }
  if (!position_known_) {
    position_ = MySqlCdcPosition{true, file, pos, 0, {}, 0};
    position_known_ = true;
    LogInfo("mysql-cdc {}: snapshot of {} table(s) at binlog {}:{}", table_name_, tables_.size(),
            file, pos);
  }
  return Status::Ok();
}

Status MySqlCdcSource::StartBinlog() {
  snapshot_.reset();
  stream_file_ = position_.file;
  txn_rows_ = 0;
  skip_rows_ = position_.rows;
  pending_.reset();
  table_ids_.clear();
  return stream_.Start(options_, position_.file, position_.pos);
}

Status MySqlCdcSource::Produce(size_t max_rows, const MySqlCdcPosition* end, int wait_ms) {
  if (!started_) RETURN_IF_ERROR(Start());
  if (position_.snapshot) {
    RETURN_IF_ERROR(ProduceSnapshot(max_rows, end));
    if (position_.snapshot || builder_.num_rows() >= max_rows || (end && position_ == *end)) {
      return Status::Ok();
    }
  }
  return ProduceBinlog(max_rows, end, wait_ms);
}

Status MySqlCdcSource::ProduceSnapshot(size_t max_rows, const MySqlCdcPosition* end) {
  while (position_.snapshot && builder_.num_rows() < max_rows && !(end && position_ == *end)) {
    if (position_.table >= tables_.size()) {
      LogInfo("mysql-cdc {}: snapshot done, reading the binlog from {}:{}", table_name_,
              position_.file, position_.pos);
      position_ = MySqlCdcPosition{false, position_.file, position_.pos, 0, {}, 0};
      return StartBinlog();
    }
    const Table& table = tables_[position_.table];
    const MySqlTableSchema& schema = table.schema;
    const size_t limit =
        std::min(max_rows - builder_.num_rows(), static_cast<size_t>(options_.snapshot_chunk_size));
    const bool bounded = end && end->snapshot && end->table == position_.table;
    std::string sql = fmt::format("SELECT {} FROM {}", SelectList(schema), schema.QuotedName());
    std::vector<std::string> conditions;
    if (!position_.key.empty()) {
      conditions.push_back(KeyTuple(schema) + " > " + ValueTuple(snapshot_.get(), position_.key));
    }
    if (bounded)
      conditions.push_back(KeyTuple(schema) + " <= " + ValueTuple(snapshot_.get(), end->key));
    for (size_t i = 0; i < conditions.size(); ++i) sql += (i ? " AND " : " WHERE ") + conditions[i];
    sql += fmt::format(" ORDER BY {} LIMIT {}", KeyTuple(schema), limit);
    ASSIGN_OR_RETURN(auto rows, snapshot_->Query(sql));
    for (const auto& row : rows) {
      std::vector<std::string> key;
      for (size_t k : schema.primary_key) key.push_back(row[k].value_or(""));
      position_.key = std::move(key);
      builder_.Append(RowKind::kInsert, table.binding, row, 0, position_.ToString());
    }
    if (rows.size() < limit) {
      if (bounded) {
        position_ = *end;
      } else {
        ++position_.table;
        position_.key.clear();
      }
    }
  }
  return Status::Ok();
}

Status MySqlCdcSource::ProduceBinlog(size_t max_rows, const MySqlCdcPosition* end, int wait_ms) {
  while (builder_.num_rows() < max_rows && !(end && position_ == *end)) {
    if (pending_) {
      EmitPending(max_rows, end);
      continue;
    }
    auto event = stream_.Next(builder_.num_rows() > 0 ? 0 : wait_ms);
    if (!event.ok()) {
      // Reconnect from the last delivered row: the next call continues there.
      Status restarted = StartBinlog();
      return restarted.ok() ? event.status() : restarted;
    }
    if (!*event) return Status::Ok();
    RETURN_IF_ERROR(ConsumeEvent(**event));
  }
  return Status::Ok();
}

bool MySqlCdcSource::EmitPending(size_t max_rows, const MySqlCdcPosition* end) {
  Pending& p = *pending_;
  const Table& table = tables_[p.table];
  while (p.next < p.changes.size() && builder_.num_rows() < max_rows &&
         !(end && position_ == *end)) {
    const auto& change = p.changes[p.next++];
    ++txn_rows_;
    position_.rows = std::max(position_.rows, txn_rows_);
    if (txn_rows_ <= skip_rows_) continue;
    builder_.Append(change.kind, table.binding, change.values, p.op_ts_ms, position_.ToString());
  }
  const bool done = p.next >= p.changes.size();
  if (done) pending_.reset();
  return done;
}

Status MySqlCdcSource::ConsumeEvent(const BinlogStream::Event& event) {
  const uint8_t type = event.type;
  if (type == BinlogRowDecoder::kRotateEvent) {
    if (event.rotate_file != stream_file_) {
      stream_file_ = event.rotate_file;
      position_ = MySqlCdcPosition{false, stream_file_, event.rotate_pos, 0, {}, 0};
      txn_rows_ = skip_rows_ = 0;
    }
    return Status::Ok();
  }
  if (type == BinlogRowDecoder::kTableMapEvent) return OnTableMap(event);
  if (BinlogRowDecoder::IsRowsEvent(type)) {
    ASSIGN_OR_RETURN(uint64_t id, BinlogRowDecoder::RowsTableId(event.body));
    auto it = table_ids_.find(id);
    if (it == table_ids_.end() || it->second < 0) return Status::Ok();
    Pending p;
    p.table = static_cast<size_t>(it->second);
    p.op_ts_ms = int64_t{event.timestamp} * 1000;
    const Table& table = tables_[p.table];
    RETURN_IF_ERROR(BinlogRowDecoder::DecodeRows(type, event.body, table_maps_.at(id), table.schema,
                                                 &p.changes));
    if (!p.changes.empty()) pending_ = std::move(p);
    return Status::Ok();
  }
  const bool boundary = type == BinlogRowDecoder::kXidEvent ||
                        (type == BinlogRowDecoder::kQueryEvent && event.statement != "BEGIN");
  if (boundary && event.next_pos != 0) {
    position_ = MySqlCdcPosition{false, stream_file_, event.next_pos, 0, {}, 0};
    txn_rows_ = skip_rows_ = 0;
  }
  return Status::Ok();
}

Status MySqlCdcSource::OnTableMap(const BinlogStream::Event& event) {
  ASSIGN_OR_RETURN(BinlogRowDecoder::TableMap map, BinlogRowDecoder::ParseTableMap(event.body));
  const uint64_t id = map.table_id;
  if (!Matches(map.database, map.table)) {
    table_ids_[id] = -1;
    return Status::Ok();
  }
  int index = -1;
  for (size_t i = 0; i < tables_.size(); ++i) {
    if (tables_[i].binding.database == map.database && tables_[i].binding.table == map.table) {
      index = static_cast<int>(i);
    }
  }
  if (index < 0 || tables_[static_cast<size_t>(index)].schema.columns.size() != map.types.size()) {
    // A table created or altered since: read its columns again.
    ASSIGN_OR_RETURN(Table bound, BindTable(map.database, map.table));
    LogInfo("mysql-cdc {}: {}.{} now has {} columns", table_name_, map.database, map.table,
            bound.schema.columns.size());
    if (index < 0) {
      tables_.push_back(std::move(bound));
      index = static_cast<int>(tables_.size() - 1);
    } else {
      tables_[static_cast<size_t>(index)] = std::move(bound);
    }
  }
  table_ids_[id] = index;
  table_maps_[id] = std::move(map);
  return Status::Ok();
}

SourceBatch MySqlCdcSource::TakeBatch() {
  SourceBatch out;
  out.split = SplitId(0);
  out.batch = builder_.Finish();
  out.end_position = position_.ToString();
  return out;
}

Result<std::optional<SourceBatch>> MySqlCdcSource::Poll(size_t max_rows) {
  if (!started_ && !position_known_) {
    // The first batch is empty and names where reading starts (the snapshot's binlog position,
    // or the binlog's end), so a replay from the beginning of the log starts there too.
    RETURN_IF_ERROR(Start());
    return std::optional<SourceBatch>(TakeBatch());
  }
  RETURN_IF_ERROR(Produce(std::max<size_t>(max_rows, 2), nullptr, kPollWaitMs));
  if (builder_.num_rows() == 0) return std::optional<SourceBatch>();
  return std::optional<SourceBatch>(TakeBatch());
}

Result<SourceBatch> MySqlCdcSource::ReadUntil(SplitId split, const std::string& end_position) {
  if (split.value() != 0) return Status::InvalidArgument("mysql-cdc has one split");
  ASSIGN_OR_RETURN(MySqlCdcPosition end, MySqlCdcPosition::Parse(end_position));
  if (!started_ && !position_known_) {
    // The first logged batch of a run: the empty one that named the start.
    position_ = end;
    position_known_ = true;
    return TakeBatch();
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReplayTimeoutMs);
  while (!(position_ == end)) {
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::DataError(
          fmt::format("mysql-cdc: replay did not reach logged position {} (at {})", end_position,
                      position_.ToString()));
    }
    RETURN_IF_ERROR(Produce(SIZE_MAX, &end, 100));
  }
  return TakeBatch();
}

std::string MySqlCdcSource::split_name(SplitId) const {
  return fmt::format("mysql-cdc:{}.{}", options_.database_name, options_.table_name);
}

void MySqlCdcSource::Close() {
  stream_.Stop();
  snapshot_.reset();
}

}  // namespace sluice::connectors
