#include <gtest/gtest.h>

#include "connectors/tests/postgres_test_table.h"

namespace sluice::connectors {
namespace {

std::shared_ptr<Batch> Ids(std::vector<int64_t> ids) {
  BatchBuilder b;
  Column* id = b.Add("id", LogicalType::BigInt());
  for (int64_t v : ids) id->AppendInt(v);
  return b.Build();
}

Status WriteEpoch(PostgresSink* sink, int64_t epoch, std::vector<int64_t> ids) {
  // Two blocks per epoch, as a pipeline writes several batches.
  std::vector<int64_t> first(ids.begin(), ids.begin() + static_cast<long>(ids.size() / 2));
  std::vector<int64_t> second(ids.begin() + static_cast<long>(ids.size() / 2), ids.end());
  RETURN_IF_ERROR(sink->Write(EpochId(epoch), 0, *Ids(first)));
  RETURN_IF_ERROR(sink->Write(EpochId(epoch), 1, *Ids(second)));
  return sink->CommitEpoch(EpochId(epoch));
}

// A restarted pipeline replays epoch 1 (here with different rows, so that a skipped write is
// told apart from a deduplicated one): nothing of it is written again; epoch 2 is.
TEST(PostgresReplayTest, ReplayedEpochIsSkipped) {
  testing::PostgresServer* server = PostgresTestTable::Server("replay");
  ASSERT_NE(server, nullptr);
  PostgresTestTable::Execute(server, "CREATE TABLE replay.t (id bigint)");
  auto options = PostgresTestTable::Options(server, "replay.t");
  {
    auto sink = PostgresTestTable::Sink(options, Ids({})->schema);
    ASSERT_TRUE(sink->Open().ok());
    Status s = WriteEpoch(sink.get(), 1, {1, 2, 3});
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(sink->counters().epochs, 1);
  }
  auto restarted = PostgresTestTable::Sink(options, Ids({})->schema);
  ASSERT_TRUE(restarted->Open().ok());
  Status s = WriteEpoch(restarted.get(), 1, {1, 2, 3, 100});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(restarted->counters().skipped_epochs, 1);
  EXPECT_EQ(restarted->counters().rows, 0);
  s = WriteEpoch(restarted.get(), 2, {4, 5});
  ASSERT_TRUE(s.ok()) << s.ToString();
  // The same sink object replaying epoch 2 skips it too.
  s = WriteEpoch(restarted.get(), 2, {4, 5});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(restarted->counters().skipped_epochs, 2);
  EXPECT_EQ(restarted->counters().rows, 2);
  EXPECT_EQ(PostgresTestTable::Lines(server, "SELECT id FROM replay.t ORDER BY id"),
            (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(PostgresTestTable::Lines(server, "SELECT sink, epoch FROM replay.sluice_commits"),
            std::vector<std::string>{"sink\t2"});
}

// Epoch ids are per (pipeline, sink): another sink writing its epoch 1 into the same table is
// not a replay.
TEST(PostgresReplayTest, EpochsAreCountedPerSink) {
  testing::PostgresServer* server = PostgresTestTable::Server("replay2");
  ASSERT_NE(server, nullptr);
  PostgresTestTable::Execute(server, "CREATE TABLE replay2.t (id bigint)");
  auto options = PostgresTestTable::Options(server, "replay2.t");
  auto a = PostgresTestTable::Sink(options, Ids({})->schema, false, "a");
  auto b = PostgresTestTable::Sink(options, Ids({})->schema, false, "b");
  ASSERT_TRUE(a->Open().ok());
  ASSERT_TRUE(b->Open().ok());
  ASSERT_TRUE(WriteEpoch(a.get(), 1, {1, 2}).ok());
  ASSERT_TRUE(WriteEpoch(b.get(), 1, {10, 20}).ok());
  ASSERT_TRUE(WriteEpoch(a.get(), 1, {1, 2}).ok());
  EXPECT_EQ(PostgresTestTable::Lines(server, "SELECT id FROM replay2.t ORDER BY id"),
            (std::vector<std::string>{"1", "2", "10", "20"}));
  EXPECT_EQ(PostgresTestTable::Lines(
                server, "SELECT sink, epoch FROM replay2.sluice_commits ORDER BY sink"),
            (std::vector<std::string>{"a\t1", "b\t1"}));
}

// Rows are sent in COPYs of sink.batch-size rows while the epoch is open; the epoch still
// becomes visible all at once, at CommitEpoch.
TEST(PostgresReplayTest, EpochIsInvisibleUntilCommitted) {
  testing::PostgresServer* server = PostgresTestTable::Server("replay3");
  ASSERT_NE(server, nullptr);
  PostgresTestTable::Execute(server, "CREATE TABLE replay3.t (id bigint)");
  auto options = PostgresTestTable::Options(server, "replay3.t");
  options.batch_size = 2;
  auto sink = PostgresTestTable::Sink(options, Ids({})->schema);
  ASSERT_TRUE(sink->Open().ok());
  ASSERT_TRUE(sink->Write(EpochId(7), 0, *Ids({1, 2, 3})).ok());
  ASSERT_TRUE(sink->Write(EpochId(7), 1, *Ids({4, 5})).ok());
  EXPECT_EQ(PostgresTestTable::Lines(server, "SELECT count(*) FROM replay3.t"),
            std::vector<std::string>{"0"});
  ASSERT_TRUE(sink->CommitEpoch(EpochId(7)).ok());
  EXPECT_EQ(PostgresTestTable::Lines(server, "SELECT count(*), sum(id) FROM replay3.t"),
            std::vector<std::string>{"5\t15"});
}

}  // namespace
}  // namespace sluice::connectors
