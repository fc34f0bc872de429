// Identifiers sluice puts into SQL for ClickHouse and PostgreSQL are quoted for any name: a
// database, table and columns named with backticks, quotes, backslashes, spaces, dots, SQL
// comments and non-ASCII letters are created (ClickHouse), described, written and upserted
// (PostgreSQL) under exactly those names, and nothing else is touched. The expected names and the
// queries that read the rows back are spelled by hand here, independently of the quoting code.

#include <gtest/gtest.h>

#include "connectors/tests/clickhouse_test_table.h"
#include "connectors/tests/postgres_test_table.h"

namespace sluice::connectors {
namespace {

// Names as the user writes them (unquoted); the test's own queries quote them by hand below.
const std::string kChDatabase = "sl`ice 'db\" \xC3\xBC";                     // sl`ice 'db" ü
const std::string kChTable = "t.a`b'le \"\xE8\xA1\xA8\" ; DROP TABLE x --";  // ... "表" ...
const std::string kChId = "id` ,x";
const std::string kChName = "na'me\\ \"\xC3\xB6\"";  // na'me\ "ö"
// The same, quoted with backquotes and backslash escapes, written out by hand.
constexpr const char* kChQualified =
    "`sl\\`ice 'db\" \xC3\xBC`.`t.a\\`b'le \"\xE8\xA1\xA8\" ; DROP TABLE x --`";

std::shared_ptr<Batch> TwoRows(const std::string& id_name, const std::string& text_name) {
  BatchBuilder b;
  Column* id = b.Add(id_name, LogicalType::BigInt().WithNullable(false));
  Column* text = b.Add(text_name, LogicalType::String());
  id->AppendInt(1);
  text->AppendString("it's `x`");
  id->AppendInt(2);
  text->AppendString("\xC3\xA4\"\\");
  return b.Build();
}

TEST(HostileIdentifiersTest, ClickHouseTableIsCreatedDescribedAndWrittenUnderItsExactNames) {
  auto shared = testing::ClickHouseServer::Shared();
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  testing::ClickHouseServer* server = *shared;
  ClickHouseTestTable::Query(server, "DROP DATABASE IF EXISTS `sl\\`ice 'db\" \xC3\xBC`");
  std::shared_ptr<Batch> batch = TwoRows(kChId, kChName);
  ClickHouseSinkOptions options = ClickHouseTestTable::Options(server, kChDatabase, kChTable);
  options.create_table = true;
  options.primary_key = {kChId};
  auto sink = ClickHouseTestTable::Sink(options, batch->schema);
  Status open = sink->Open();
  ASSERT_TRUE(open.ok()) << open.ToString();
  ASSERT_TRUE(sink->Write(EpochId(1), 0, *batch).ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());

  EXPECT_EQ(ClickHouseTestTable::Query(
                server,
                "SELECT name, type FROM system.columns WHERE database = 'sl`ice \\'db\" "
                "\xC3\xBC' FORMAT TSVRaw"),
            kChId + "\tInt64\n" + kChName + "\tNullable(String)\n");
  EXPECT_EQ(
      ClickHouseTestTable::Query(server,
                                 "SELECT name FROM system.tables WHERE database = 'sl`ice \\'db\" "
                                 "\xC3\xBC' FORMAT TSVRaw"),
      kChTable + "\n");
  EXPECT_EQ(ClickHouseTestTable::Query(
                server, std::string("SELECT `id\\` ,x`, `na'me\\\\ \"\xC3\xB6\"` FROM ") +
                            kChQualified + " ORDER BY 1 FORMAT TSVRaw"),
            "1\tit's `x`\n2\t\xC3\xA4\"\\\n");
  // Nothing was created anywhere else (`x` of the would-be DROP never existed, so a stray
  // statement would have failed the write).
  EXPECT_EQ(ClickHouseTestTable::Query(
                server, "SELECT count() FROM system.databases WHERE name LIKE 'sl%' FORMAT TSV"),
            "1\n");
  ClickHouseTestTable::Query(server, "DROP DATABASE `sl\\`ice 'db\" \xC3\xBC`");
}

TEST(HostileIdentifiersTest, PostgresTableIsWrittenAndUpsertedUnderItsExactNames) {
  testing::PostgresServer* server = PostgresTestTable::Server("hostile_probe");
  ASSERT_NE(server, nullptr);
  // Schema  we"ird sch'ema ü , table  ta'ble "x" ; -- , columns  id"  and  na me'\ ö .
  PostgresTestTable::Execute(
      server,
      "DROP SCHEMA IF EXISTS \"we\"\"ird sch'ema \xC3\xBC\" CASCADE; "
      "CREATE SCHEMA \"we\"\"ird sch'ema \xC3\xBC\"; "
      "CREATE TABLE \"we\"\"ird sch'ema \xC3\xBC\".\"ta'ble \"\"x\"\" ; --\" "
      "(\"id\"\"\" bigint PRIMARY KEY, \"na me'\\ \xC3\xB6\" text)");
  const std::string id_name = "id\"";
  const std::string text_name = "na me'\\ \xC3\xB6";
  auto options = PostgresTestTable::Options(
      server, "\"we\"\"ird sch'ema \xC3\xBC\".\"ta'ble \"\"x\"\" ; --\"");
  std::shared_ptr<Batch> batch = TwoRows(id_name, text_name);
  std::vector<std::string> names = {id_name, text_name};
  // Two sinks: plain COPY, then upserts on the hostile key column; both commit into the schema's
  // sluice_commits under a hostile pipeline and sink name (bound as parameters).
  PostgresSink copy(options, batch->schema, names, {}, false, "pipe'line \"p\"", "s`ink;--");
  ASSERT_TRUE(copy.Open().ok());
  ASSERT_TRUE(copy.Write(EpochId(1), 0, *batch).ok());
  Status committed = copy.CommitEpoch(EpochId(1));
  ASSERT_TRUE(committed.ok()) << committed.ToString();

  BatchBuilder b;
  Column* id = b.Add(id_name, LogicalType::BigInt().WithNullable(false));
  Column* text = b.Add(text_name, LogicalType::String());
  id->AppendInt(2);
  text->AppendString("updated");
  std::shared_ptr<Batch> update = b.Build();
  update->row_kinds = {RowKind::kUpdateAfter};
  PostgresSink upsert(options, update->schema, names, {id_name}, true, "pipe'line \"p\"",
                      "upsert\"");
  Status opened = upsert.Open();
  ASSERT_TRUE(opened.ok()) << opened.ToString();
  ASSERT_TRUE(upsert.Write(EpochId(1), 0, *update).ok());
  committed = upsert.CommitEpoch(EpochId(1));
  ASSERT_TRUE(committed.ok()) << committed.ToString();

  EXPECT_EQ(PostgresTestTable::Lines(
                server,
                "SELECT \"id\"\"\", \"na me'\\ \xC3\xB6\" FROM \"we\"\"ird sch'ema \xC3\xBC\"."
                "\"ta'ble \"\"x\"\" ; --\" ORDER BY 1"),
            (std::vector<std::string>{"1\tit's `x`", "2\tupdated"}));
  EXPECT_EQ(
      PostgresTestTable::Lines(server,
                               "SELECT pipeline, sink, epoch FROM \"we\"\"ird sch'ema "
                               "\xC3\xBC\".sluice_commits ORDER BY sink"),
      (std::vector<std::string>{"pipe'line \"p\"\ts`ink;--\t1", "pipe'line \"p\"\tupsert\"\t1"}));
  EXPECT_EQ(PostgresTestTable::Lines(server,
                                     "SELECT count(*) FROM pg_tables WHERE schemaname = "
                                     "'we\"ird sch''ema \xC3\xBC'"),
            (std::vector<std::string>{"2"}));
}

}  // namespace
}  // namespace sluice::connectors
