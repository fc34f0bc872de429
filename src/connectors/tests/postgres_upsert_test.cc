#include <gtest/gtest.h>

#include "connectors/tests/postgres_test_table.h"

namespace sluice::connectors {
namespace {

struct Change {
  RowKind kind;
  std::string k;
  int64_t region;
  int64_t v;
  std::optional<std::string> note;
};

std::shared_ptr<Batch> Changes(const std::vector<Change>& changes) {
  BatchBuilder b;
  Column* k = b.Add("k", LogicalType::String());
  Column* region = b.Add("region", LogicalType::Int());
  Column* v = b.Add("v", LogicalType::BigInt());
  Column* note = b.Add("note", LogicalType::String());
  std::vector<RowKind> kinds;
  for (const Change& c : changes) {
    k->AppendString(c.k);
    region->AppendInt(c.region);
    v->AppendInt(c.v);
    if (c.note) {
      note->AppendString(*c.note);
    } else {
      note->AppendNull();
    }
    kinds.push_back(c.kind);
  }
  auto batch = b.Build();
  batch->row_kinds = kinds;
  return batch;
}

constexpr RowKind kI = RowKind::kInsert, kUB = RowKind::kUpdateBefore, kUA = RowKind::kUpdateAfter,
                  kD = RowKind::kDelete;

// Changelog rows applied in order inside one transaction per epoch: +I/+U upsert on the
// composite primary key (a key repeated in one epoch is applied twice, in order), -D deletes, -U
// is ignored. Expected table contents worked out by applying the changes by hand.
TEST(PostgresUpsertTest, ChangelogIsAppliedByPrimaryKey) {
  testing::PostgresServer* server = PostgresTestTable::Server("ups");
  ASSERT_NE(server, nullptr);
  PostgresTestTable::Execute(server,
                             "CREATE TABLE ups.kv (k text, region integer, v bigint, note text, "
                             "PRIMARY KEY (k, region))");
  auto options = PostgresTestTable::Options(server, "ups.kv");
  auto first = Changes({{kI, "a", 1, 10, "x"},
                        {kI, "b", 1, 20, "y"},
                        {kUB, "a", 1, 10, "x"},
                        {kUA, "a", 1, 11, "x2"},
                        {kI, "a", 2, 5, std::nullopt},
                        {kD, "b", 1, 20, "y"},
                        {kI, "b", 1, 21, "it's"},
                        {kUA, "a", 2, 6, "q"}});
  auto sink = PostgresTestTable::Sink(options, first->schema, /*upsert=*/true);
  Status opened = sink->Open();
  ASSERT_TRUE(opened.ok()) << opened.ToString();
  // Split over two blocks: the upsert statement runs on across them.
  ASSERT_TRUE(sink->Write(EpochId(1), 0, *GatherRows(*first, {0, 1, 2, 3})).ok());
  ASSERT_TRUE(sink->Write(EpochId(1), 1, *GatherRows(*first, {4, 5, 6, 7})).ok());
  Status committed = sink->CommitEpoch(EpochId(1));
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  const char* kSelect = "SELECT k, region, v, note FROM ups.kv ORDER BY k, region";
  EXPECT_EQ(PostgresTestTable::Lines(server, kSelect),
            (std::vector<std::string>{"a\t1\t11\tx2", "a\t2\t6\tq", "b\t1\t21\tit's"}));
  EXPECT_EQ(sink->counters().rows, 7);  // every row but the -U

  auto second = Changes(
      {{kD, "a", 1, 11, "x2"}, {kUA, "c", 1, 1, std::nullopt}, {kD, "zz", 9, 0, std::nullopt}});
  ASSERT_TRUE(sink->Write(EpochId(2), 0, *second).ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(2)).ok());
  std::vector<std::string> expected = {"a\t2\t6\tq", "b\t1\t21\tit's", "c\t1\t1\t\\N"};
  EXPECT_EQ(PostgresTestTable::Lines(server, kSelect), expected);

  // A replay of epoch 2 that would delete everything changes nothing.
  auto replay = Changes({{kD, "a", 2, 0, std::nullopt}, {kD, "b", 1, 0, std::nullopt}});
  ASSERT_TRUE(sink->Write(EpochId(2), 0, *replay).ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(2)).ok());
  EXPECT_EQ(PostgresTestTable::Lines(server, kSelect), expected);
  EXPECT_EQ(sink->counters().skipped_epochs, 1);
}

TEST(PostgresUpsertTest, ChangelogIntoTableWithoutKeyFailsAtOpen) {
  testing::PostgresServer* server = PostgresTestTable::Server("ups2");
  ASSERT_NE(server, nullptr);
  PostgresTestTable::Execute(server,
                             "CREATE TABLE ups2.kv (k text, region integer, v bigint, note text)");
  auto sink = PostgresTestTable::Sink(PostgresTestTable::Options(server, "ups2.kv"),
                                      Changes({})->schema, /*upsert=*/true);
  Status opened = sink->Open();
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.message().find("ups2.kv has no primary key"), std::string::npos)
      << opened.message();
}

}  // namespace
}  // namespace sluice::connectors
