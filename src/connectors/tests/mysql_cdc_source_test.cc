// The mysql-cdc source against a private MariaDB: a snapshot of existing rows as +I, then the
// binlog's inserts, updates and deletes as +I, -U/+U, -D; replay of a logged batch from its
// start position gives the same rows; every supported column type decodes the same from the
// snapshot (SELECT text) and from the binlog (row images).

#include "connectors/mysql/mysql_cdc_source.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "testing/mariadb_server.h"
#include "types/cell_text.h"

namespace sluice::connectors {
namespace {

using runtime::SourceBatch;

// One server for the suite; destroyed (stopped, directory removed) at exit.
testing::MariaDbServer* Server() {
  static testing::MariaDbServer server;
  static const Status started = server.Start();
  EXPECT_TRUE(started.ok()) << started.ToString();
  return &server;
}

void Sql(const std::string& sql) {
  auto done = Server()->Query(sql);
  ASSERT_TRUE(done.ok()) << sql << ": " << done.status().ToString();
}

std::unique_ptr<MySqlCdcSource> MakeSource(
    const std::string& table, std::vector<Field> fields,
    std::map<std::string, std::string> extra = {},
    std::map<std::string, MySqlBatchBuilder::FieldKind> metadata = {}) {
  std::map<std::string, std::string> options = {
      {"hostname", "127.0.0.1"}, {"port", std::to_string(Server()->port())},
      {"username", "root"},      {"database-name", "test"},
      {"table-name", table},     {"server-id", "7001"}};
  options.merge(extra);
  auto parsed = MySqlCdcOptions::Parse(options);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  std::vector<MySqlBatchBuilder::Field> builder_fields;
  for (const auto& f : fields) {
    auto kind = MySqlBatchBuilder::FieldKind::kColumn;
    if (metadata.count(f.name)) kind = metadata.at(f.name);
    builder_fields.push_back({kind, f.name});
  }
  return std::make_unique<MySqlCdcSource>(table, *parsed, std::make_shared<Schema>(fields),
                                          std::move(builder_fields), nullptr);
}

// Returns the rows of `batch` as "+I[1, a, 1.50]".
std::vector<std::string> Rows(const Batch& batch) {
  std::vector<std::string> out;
  for (size_t r = 0; r < batch.num_rows; ++r) {
    std::string row = std::string(RowKindShortString(batch.row_kind(r))) + "[";
    for (size_t c = 0; c < batch.columns.size(); ++c) {
      if (c) row += ", ";
      AppendCellText(batch.column(c), r, &row);
    }
    out.push_back(row + "]");
  }
  return out;
}

// Polls until `n` rows came (or 30 s passed); returns them and the last end position.
std::vector<std::string> PollRows(MySqlCdcSource* source, size_t n, std::string* end) {
  std::vector<std::string> rows;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (rows.size() < n && std::chrono::steady_clock::now() < deadline) {
    auto batch = source->Poll(1000);
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    if (!batch.ok()) break;
    if (!*batch) continue;
    for (auto& r : Rows(*(*batch)->batch)) rows.push_back(r);
    *end = (*batch)->end_position;
  }
  return rows;
}

TEST(MySqlCdcSourceTest, SnapshotThenBinlogChangesThenReplayFromLoggedPosition) {
  Sql("CREATE TABLE test.users (id INT PRIMARY KEY, name VARCHAR(20), score DECIMAL(10, 2))");
  Sql("INSERT INTO test.users VALUES (2, 'b', NULL), (1, 'a', 1.5)");
  std::vector<Field> fields = {{"id", LogicalType::BigInt()},
                               {"name", LogicalType::String()},
                               {"score", LogicalType::Decimal(10, 2)}};
  auto source = MakeSource("users", fields);
  ASSERT_TRUE(source->Open().ok());
  std::string snapshot_end;
  EXPECT_EQ(PollRows(source.get(), 2, &snapshot_end),
            (std::vector<std::string>{"+I[1, a, 1.50]", "+I[2, b, null]"}));
  // The table is read to its end, so the batch ends where the binlog starts.
  EXPECT_EQ(snapshot_end.rfind("binlog:", 0), 0u) << snapshot_end;

  Sql("INSERT INTO test.users VALUES (3, 'c', -3)");
  Sql("UPDATE test.users SET name = 'bb', score = 0.25 WHERE id = 2");
  Sql("DELETE FROM test.users WHERE id = 1");
  const std::vector<std::string> changes = {"+I[3, c, -3.00]", "-U[2, b, null]", "+U[2, bb, 0.25]",
                                            "-D[1, a, 1.50]"};
  std::string binlog_end;
  EXPECT_EQ(PollRows(source.get(), 4, &binlog_end), changes);
  EXPECT_EQ(binlog_end.rfind("binlog:", 0), 0u) << binlog_end;
  source->Close();

  // A new reader seeks to the snapshot's end and replays up to the logged binlog position.
  auto replay = MakeSource("users", fields);
  ASSERT_TRUE(replay->Open().ok());
  ASSERT_TRUE(replay->SeekTo(SplitId(0), snapshot_end).ok());
  auto again = replay->ReadUntil(SplitId(0), binlog_end);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Rows(*again->batch), changes);
  EXPECT_EQ(again->end_position, binlog_end);
}

TEST(MySqlCdcSourceTest, EveryColumnTypeDecodesAlikeFromSnapshotAndBinlog) {
  Sql("CREATE TABLE test.types (id INT PRIMARY KEY, ti TINYINT, su SMALLINT UNSIGNED, "
      "mi MEDIUMINT, bi BIGINT, bu BIGINT UNSIGNED, de DECIMAL(20, 4), fl FLOAT, db DOUBLE, "
      "ch CHAR(5), vc VARCHAR(300), tx TEXT, bl BLOB, da DATE, dt DATETIME(3), dt0 DATETIME, "
      "ts TIMESTAMP(6) NULL, en ENUM('red', 'green', 'blue'), st SET('x', 'y', 'z'), "
      "bt BIT(10), yr YEAR, tm TIME, bo BOOLEAN, nu INT)");
  const std::string values =
      "-8, 65535, -8388608, -9223372036854775807, 9007199254740993, "
      "-12345678.9012, 1.5, 2.25, 'ab', REPEAT('v', 300), 'text', 'blob', '2024-02-29', "
      "'2024-03-01 12:34:56.789', '1999-12-31 23:59:59', '2024-03-01 00:00:01.123456', "
      "'blue', 'x,z', b'1000000001', 2024, '12:34:56', TRUE, NULL";
  Sql("INSERT INTO test.types VALUES (1, " + values + ")");
  std::vector<Field> fields = {
      {"id", LogicalType::BigInt()},       {"ti", LogicalType::Int()},
      {"su", LogicalType::Int()},          {"mi", LogicalType::Int()},
      {"bi", LogicalType::BigInt()},       {"bu", LogicalType::BigInt()},
      {"de", LogicalType::Decimal(18, 4)}, {"fl", LogicalType::Float()},
      {"db", LogicalType::Double()},       {"ch", LogicalType::String()},
      {"vc", LogicalType::String()},       {"tx", LogicalType::String()},
      {"bl", LogicalType::String()},       {"da", LogicalType::Date()},
      {"dt", LogicalType::Timestamp(3)},   {"dt0", LogicalType::Timestamp(3)},
      {"ts", LogicalType::Timestamp(3)},   {"en", LogicalType::String()},
      {"st", LogicalType::String()},       {"bt", LogicalType::BigInt()},
      {"yr", LogicalType::Int()},          {"tm", LogicalType::String()},
      {"bo", LogicalType::Boolean()},      {"nu", LogicalType::Int()}};
  auto source = MakeSource("types", fields);
  ASSERT_TRUE(source->Open().ok());
  std::string end;
  auto snapshot = PollRows(source.get(), 1, &end);
  Sql("INSERT INTO test.types VALUES (2, " + values + ")");
  auto binlog = PollRows(source.get(), 1, &end);
  const std::string expected =
      "-8, 65535, -8388608, -9223372036854775807, 9007199254740993, -12345678.9012, 1.5, 2.25, "
      "ab, " +
      std::string(300, 'v') +
      ", text, blob, 2024-02-29, 2024-03-01 12:34:56.789, 1999-12-31 23:59:59.000, "
      "2024-03-01 00:00:01.123, blue, x,z, 513, 2024, 12:34:56, true, null]";
  ASSERT_EQ(snapshot.size(), 1u);
  ASSERT_EQ(binlog.size(), 1u);
  EXPECT_EQ(snapshot[0], "+I[1, " + expected);
  EXPECT_EQ(binlog[0], "+I[2, " + expected);
}

TEST(MySqlCdcSourceTest, SnapshotChunkReplaysFromMidSnapshotPosition) {
  Sql("CREATE TABLE test.chunks (id INT PRIMARY KEY)");
  Sql("INSERT INTO test.chunks VALUES (1), (2), (3), (4), (5)");
  std::vector<Field> fields = {{"id", LogicalType::BigInt()}};
  const std::map<std::string, std::string> small = {{"scan.incremental.snapshot.chunk.size", "2"}};
  auto source = MakeSource("chunks", fields, small);
  ASSERT_TRUE(source->Open().ok());
  auto start = source->Poll(2);  // names the start, no rows
  ASSERT_TRUE(start.ok() && *start) << start.status().ToString();
  EXPECT_EQ((*start)->batch->num_rows, 0u);
  auto first = source->Poll(2);
  auto second = source->Poll(2);
  ASSERT_TRUE(first.ok() && *first && second.ok() && *second);
  EXPECT_EQ(Rows(*(*first)->batch), (std::vector<std::string>{"+I[1]", "+I[2]"}));
  EXPECT_EQ(Rows(*(*second)->batch), (std::vector<std::string>{"+I[3]", "+I[4]"}));
  EXPECT_EQ((*second)->end_position.rfind("snapshot:", 0), 0u) << (*second)->end_position;
  source->Close();

  // Replayed in a new process the chunk reads the table as it is then: row 4 is gone, and the
  // reader still ends exactly at the logged position.
  Sql("DELETE FROM test.chunks WHERE id = 4");
  auto replay = MakeSource("chunks", fields, small);
  ASSERT_TRUE(replay->Open().ok());
  ASSERT_TRUE(replay->SeekTo(SplitId(0), (*first)->end_position).ok());
  auto again = replay->ReadUntil(SplitId(0), (*second)->end_position);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Rows(*again->batch), (std::vector<std::string>{"+I[3]"}));
  EXPECT_EQ(again->end_position, (*second)->end_position);
  std::string end;
  EXPECT_EQ(PollRows(replay.get(), 1, &end), (std::vector<std::string>{"+I[5]"}));
}

TEST(MySqlCdcSourceTest, RefusesAServerWithoutFullRowImages) {
  Sql("CREATE TABLE test.minimal (id INT PRIMARY KEY)");
  Sql("SET GLOBAL binlog_row_image = 'MINIMAL'");
  auto source = MakeSource("minimal", {{"id", LogicalType::BigInt()}});
  Status opened = source->Open();
  Sql("SET GLOBAL binlog_row_image = 'FULL'");
  EXPECT_FALSE(opened.ok());
  EXPECT_NE(opened.message().find("binlog_row_image=FULL"), std::string::npos) << opened.ToString();
}

// Returns whether SHOW BINARY LOGS lists `file`.
bool BinlogListed(const std::string& file) {
  auto logs = Server()->Query("SHOW BINARY LOGS");
  EXPECT_TRUE(logs.ok()) << logs.status().ToString();
  if (!logs.ok()) return false;
  for (const auto& row : *logs) {
    if (row[0] == file) return true;
  }
  return false;
}

// Rotates the binlog and purges every file before the new one, `old_file` among them. The server
// keeps a file, without an error, while a replication thread still reads it: the thread of an
// earlier test's reader lives on until the server notices that its connection is gone, which on
// a loaded machine can be after the purge. So the purge is repeated until `old_file` is gone.
void PurgeBinlogsThrough(const std::string& old_file) {
  Sql("FLUSH BINARY LOGS");
  auto now = Server()->Query("SHOW MASTER STATUS");
  ASSERT_TRUE(now.ok() && !now->empty());
  const std::string purge = "PURGE BINARY LOGS TO '" + *(*now)[0][0] + "'";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    Sql(purge);
    if (!BinlogListed(old_file)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  FAIL() << old_file << " is still on the server 30 s after '" << purge << "'";
}

TEST(MySqlCdcSourceTest, APurgedBinlogIsAClearError) {
  Sql("CREATE TABLE test.purged (id INT PRIMARY KEY)");
  auto rows = Server()->Query("SHOW MASTER STATUS");
  ASSERT_TRUE(rows.ok() && !rows->empty());
  const std::string old_file = *(*rows)[0][0];
  ASSERT_NO_FATAL_FAILURE(PurgeBinlogsThrough(old_file));
  auto source = MakeSource("purged", {{"id", LogicalType::BigInt()}});
  ASSERT_TRUE(source->Open().ok());
  ASSERT_TRUE(source->SeekTo(SplitId(0), "binlog:" + old_file + ":4:0").ok());
  Status error = Status::Ok();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (error.ok() && std::chrono::steady_clock::now() < deadline) {
    auto batch = source->Poll(100);
    if (!batch.ok()) error = batch.status();
  }
  EXPECT_EQ(error.code(), StatusCode::kNotFound) << error.ToString();
  EXPECT_NE(error.message().find("purged"), std::string::npos) << error.ToString();
  EXPECT_NE(error.message().find("start-fresh"), std::string::npos) << error.ToString();
}

TEST(MySqlCdcSourceTest, TablesMatchedByPatternWithMetadataAndServerTimeZone) {
  Sql("CREATE TABLE test.shard_1 (id INT PRIMARY KEY, ts TIMESTAMP NULL, dt DATETIME)");
  Sql("CREATE TABLE test.shard_2 LIKE test.shard_1");
  Sql("CREATE TABLE test.other LIKE test.shard_1");
  Sql("INSERT INTO test.shard_1 VALUES (1, '2024-01-01 00:00:00', '2024-01-01 00:00:00')");
  std::vector<Field> fields = {{"id", LogicalType::BigInt()},
                               {"ts", LogicalType::Timestamp(3)},
                               {"dt", LogicalType::TimestampLtz(3)},
                               {"db", LogicalType::String()},
                               {"tbl", LogicalType::String()}};
  auto source = MakeSource("shard_[0-9]+", fields, {{"server-time-zone", "+02:00"}},
                           {{"db", MySqlBatchBuilder::FieldKind::kDatabaseName},
                            {"tbl", MySqlBatchBuilder::FieldKind::kTableName}});
  ASSERT_TRUE(source->Open().ok());
  std::string end;
  // The server's zone is UTC: TIMESTAMP 00:00 UTC is 02:00 wall time at +02:00, and DATETIME
  // 00:00 read at +02:00 is the instant 22:00 UTC the day before.
  EXPECT_EQ(PollRows(source.get(), 1, &end),
            (std::vector<std::string>{
                "+I[1, 2024-01-01 02:00:00.000, 2023-12-31 22:00:00.000, test, shard_1]"}));
  Sql("INSERT INTO test.other VALUES (3, NULL, NULL)");
  Sql("INSERT INTO test.shard_2 VALUES (2, '2024-06-30 23:30:00', NULL)");
  EXPECT_EQ(PollRows(source.get(), 1, &end),
            (std::vector<std::string>{"+I[2, 2024-07-01 01:30:00.000, null, test, shard_2]"}));
}

}  // namespace
}  // namespace sluice::connectors
