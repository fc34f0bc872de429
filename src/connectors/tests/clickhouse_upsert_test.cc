// Changelog input into ClickHouse: rows of a ReplacingMergeTree(_sluice_version) table with a
// _sluice_deleted flag; `SELECT ... FINAL WHERE _sluice_deleted = 0` is the current table.
// Expected contents worked out from the changes written (later changes of a key win).

#include <gtest/gtest.h>

#include "connectors/clickhouse/clickhouse_upsert_rows.h"
#include "connectors/tests/clickhouse_test_table.h"

namespace sluice::connectors {
namespace {

constexpr const char* kDb = "upserts";

struct Change {
  RowKind kind;
  int64_t id;
  const char* name;
  int64_t v;
};

std::shared_ptr<Batch> Changes(const std::vector<Change>& changes) {
  BatchBuilder b;
  Column* id = b.Add("id", LogicalType::BigInt().WithNullable(false));
  Column* name = b.Add("name", LogicalType::String());
  Column* v = b.Add("v", LogicalType::BigInt());
  for (const Change& c : changes) {
    id->AppendInt(c.id);
    name->AppendString(c.name);
    v->AppendInt(c.v);
  }
  std::shared_ptr<Batch> batch = b.Build();
  for (const Change& c : changes) batch->row_kinds.push_back(c.kind);
  return batch;
}

std::unique_ptr<ClickHouseSink> OpenSink(testing::ClickHouseServer* server, SchemaPtr schema) {
  ClickHouseSinkOptions options = ClickHouseTestTable::Options(server, kDb, "t");
  options.create_table = true;
  options.primary_key = {"id"};
  options.upsert = true;
  auto sink = ClickHouseTestTable::Sink(options, std::move(schema));
  Status open = sink->Open();
  EXPECT_TRUE(open.ok()) << open.ToString();
  return sink;
}

std::string Current(testing::ClickHouseServer* server) {
  return ClickHouseTestTable::Query(
      server,
      "SELECT id, name, v FROM upserts.t FINAL WHERE _sluice_deleted = 0 ORDER BY id FORMAT "
      "TabSeparated");
}

TEST(ClickHouseUpsertTest, ChangelogBecomesReplacingMergeTreeRows) {
  testing::ClickHouseServer* server = ClickHouseTestTable::Server(kDb);
  ASSERT_NE(server, nullptr);
  ClickHouseTestTable::Query(server, "DROP TABLE IF EXISTS upserts.t");
  using K = RowKind;
  auto first =
      Changes({{K::kInsert, 1, "a", 10}, {K::kInsert, 2, "b", 20}, {K::kInsert, 3, "c", 30}});
  auto sink = OpenSink(server, first->schema);
  EXPECT_NE(ClickHouseTestTable::Query(server, "SHOW CREATE TABLE upserts.t FORMAT TSVRaw")
                .find("ReplacingMergeTree(_sluice_version)"),
            std::string::npos);
  ASSERT_TRUE(sink->Write(EpochId(1), 0, *first).ok());
  // Same epoch, later rows: 1 -> 11, 2 deleted.
  ASSERT_TRUE(sink->Write(EpochId(1), 1,
                          *Changes({{K::kUpdateBefore, 1, "a", 10},
                                    {K::kUpdateAfter, 1, "a", 11},
                                    {K::kDelete, 2, "b", 20}}))
                  .ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());
  EXPECT_EQ(Current(server), "1\ta\t11\n3\tc\t30\n");
  // Epoch 2: 2 comes back, 3 deleted, 1 -> 12.
  ASSERT_TRUE(sink->Write(EpochId(2), 0,
                          *Changes({{K::kInsert, 2, "b2", 21},
                                    {K::kDelete, 3, "c", 30},
                                    {K::kUpdateBefore, 1, "a", 11},
                                    {K::kUpdateAfter, 1, "a", 12}}))
                  .ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(2)).ok());
  ASSERT_TRUE(sink->Close().ok());
  EXPECT_EQ(Current(server), "1\ta\t12\n2\tb2\t21\n");
  // Every change is a row (the -U rows are not written): 3 + 2 + 3.
  EXPECT_EQ(ClickHouseTestTable::Query(server, "SELECT count() FROM upserts.t FORMAT TabSeparated"),
            "8\n");

  // A new run numbers its epochs from 1 again: its versions still start above the table's.
  auto again = OpenSink(server, first->schema);
  ASSERT_TRUE(again->Write(EpochId(1), 0, *Changes({{K::kUpdateAfter, 2, "b3", 22}})).ok());
  ASSERT_TRUE(again->CommitEpoch(EpochId(1)).ok());
  ASSERT_TRUE(again->Close().ok());
  EXPECT_EQ(Current(server), "1\ta\t12\n2\tb3\t22\n");
}

TEST(ClickHouseUpsertTest, VersionsGrowWithEpochAndPosition) {
  ClickHouseUpsertRows rows(100);
  auto batch = Changes({{RowKind::kInsert, 1, "a", 1},
                        {RowKind::kUpdateBefore, 1, "a", 1},
                        {RowKind::kUpdateAfter, 1, "a", 2},
                        {RowKind::kDelete, 1, "a", 2}});
  BatchPtr e1 = rows.Convert(*batch, 1);
  ASSERT_EQ(e1->num_rows, 3u);  // -U dropped
  const size_t version = e1->schema->size() - 2;
  const int64_t base = 100 + (int64_t{1} << 32);
  EXPECT_EQ(e1->column(version).ints(), (std::vector<int64_t>{base, base + 1, base + 2}));
  EXPECT_EQ(e1->column(version + 1).bools(), (std::vector<uint8_t>{0, 0, 1}));
  EXPECT_TRUE(e1->row_kinds.empty());
  BatchPtr e2 = rows.Convert(*batch, 2);
  EXPECT_EQ(e2->column(version).ints()[0], 100 + (int64_t{2} << 32));
}

}  // namespace
}  // namespace sluice::connectors
