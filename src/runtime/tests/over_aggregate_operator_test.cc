#include "runtime/over_aggregate_operator.h"

#include <gtest/gtest.h>

#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "runtime/tests/collecting_operator.h"
#include "runtime/tests/key_time_value_batch.h"

namespace sluice::runtime {
namespace {

using Rows = std::vector<std::string>;

// Input columns: k BIGINT (nullable), ts TIMESTAMP(3), v BIGINT.
SchemaPtr InputSchema() { return KeyTimeValueSchema(); }
BatchPtr MakeBatch(const std::vector<KeyTimeValue>& rows, std::vector<int64_t> watermarks = {}) {
  return KeyTimeValueBatch(rows, std::move(watermarks));
}

sql::OverCall Call(const std::string& function, std::optional<size_t> arg, LogicalType type) {
  sql::OverCall c;
  c.function = function;
  c.count_star = function == "COUNT" && !arg;
  c.arg = arg;
  c.type = type;
  return c;
}

/// OVER (PARTITION BY k ORDER BY ts <frame>) with COUNT(*), SUM(v), LAG(v).
sql::PlanNodePtr OverNode(sql::OverSpec::Frame frame, bool unbounded, int64_t preceding) {
  auto input = std::make_shared<sql::PlanNode>();
  input->kind = sql::PlanKind::kScan;
  input->schema = InputSchema();
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kOverAggregate;
  node->inputs = {input};
  node->over.partition_keys = {0};
  node->over.order_column = 1;
  node->over.frame = frame;
  node->over.unbounded = unbounded;
  node->over.preceding = preceding;
  node->over.calls = {Call("COUNT", std::nullopt, LogicalType::BigInt().WithNullable(false)),
                      Call("SUM", 2, LogicalType::BigInt()), Call("LAG", 2, LogicalType::BigInt())};
  auto schema = std::make_shared<Schema>(*input->schema);
  for (size_t i = 0; i < node->over.calls.size(); ++i) {
    schema->Add({"$over" + std::to_string(i), node->over.calls[i].type});
  }
  node->schema = schema;
  return node;
}

struct Harness {
  explicit Harness(const sql::PlanNodePtr& node, int64_t state_ttl_ms = 0) {
    auto created = OverAggregateOperator::Create(*node, state_ttl_ms);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    op = std::move(created).value();
    op->SetOutput(&out, 0);
  }
  std::unique_ptr<OverAggregateOperator> op;
  CollectingOperator out;
};

TEST(OverAggregateOperatorTest, RowsFrameEmitsInRowtimeOrderAndDropsLateRows) {
  Harness h(OverNode(sql::OverSpec::Frame::kRows, false, 1));
  // k=1: ts 5 v 2, ts 1 v 1 (out of order, on time), k=2: ts 3 v 10.
  ASSERT_TRUE(h.op->Process(MakeBatch({{1, 5, 2}, {1, 1, 1}, {2, 3, 10}}, {0, 0, 0}), 0).ok());
  EXPECT_TRUE(h.out.rows.empty());  // nothing before the watermark passes the rows
  ASSERT_TRUE(h.op->AdvanceWatermark(Watermark{4}, 0).ok());
  // ts 2 <= watermark 4: late.
  ASSERT_TRUE(h.op->Process(MakeBatch({{1, 2, 100}, {1, 7, 4}}), 0).ok());
  ASSERT_TRUE(h.op->Finish().ok());
  EXPECT_EQ(h.out.rows,
            (Rows{"1,1,1,1,1,null", "2,3,10,1,10,null", "WM 4", "1,5,2,2,3,1", "1,7,4,2,6,2"}));
  EXPECT_EQ(h.op->late_records_dropped(), 1);
  // Rows fired by watermark 4 carry the watermark before it.
  EXPECT_EQ(h.out.row_watermarks[0], kMinWatermark.value());
}

TEST(OverAggregateOperatorTest, RangeFramePeersShareResultsAndNullKeysGroup) {
  Harness h(OverNode(sql::OverSpec::Frame::kRange, false, 10));
  ASSERT_TRUE(h.op->Process(MakeBatch({{std::nullopt, 0, 1},
                                       {std::nullopt, 10, 2},
                                       {std::nullopt, 10, 3},
                                       {std::nullopt, 11, 4}}),
                            0)
                  .ok());
  ASSERT_TRUE(h.op->Finish().ok());
  // ts 0: {1}; ts 10 (peers): [0,10] {1,2,3}; ts 11: [1,11] {2,3,4}.
  EXPECT_EQ(h.out.rows,
            (Rows{"null,0,1,1,1,null", "null,10,2,3,6,1", "null,10,3,3,6,2", "null,11,4,3,9,3"}));
}

// 'pipeline.max-memory' counts the rows buffered until the watermark passes them: StateBytes
// grows with them and falls back to 0 once they fired (the RANGE frame's key state is not counted).
TEST(OverAggregateOperatorTest, StateBytesFollowTheRowsWaitingForTheWatermark) {
  Harness h(OverNode(sql::OverSpec::Frame::kRange, false, 10));
  EXPECT_EQ(h.op->StateBytes(), 0u);
  ASSERT_TRUE(h.op->Process(MakeBatch({{1, 5, 1}}), 0).ok());
  const size_t one = h.op->StateBytes();
  EXPECT_GT(one, 0u);
  ASSERT_TRUE(h.op->Process(MakeBatch({{1, 6, 2}, {2, 7, 3}}), 0).ok());
  const size_t both = h.op->StateBytes();
  EXPECT_GT(both, one);
  // Rows wait in the batches they came in: the first is let go, the second kept for ts 7.
  ASSERT_TRUE(h.op->AdvanceWatermark(Watermark{6}, 0).ok());
  EXPECT_EQ(h.op->StateBytes(), both - one);
  ASSERT_TRUE(h.op->AdvanceWatermark(Watermark{7}, 0).ok());
  EXPECT_EQ(h.op->StateBytes(), 0u);
}

TEST(OverAggregateOperatorTest, RangeFrameStateExpiresWithTheWatermark) {
  auto node = OverNode(sql::OverSpec::Frame::kRange, false, 10);
  auto copy = std::make_shared<sql::PlanNode>(*node);
  copy->over.calls.pop_back();  // without LAG, keys can expire
  auto schema = std::make_shared<Schema>(*node->inputs[0]->schema);
  schema->Add({"$over0", copy->over.calls[0].type});
  schema->Add({"$over1", copy->over.calls[1].type});
  copy->schema = schema;
  Harness h(copy);
  ASSERT_TRUE(h.op->Process(MakeBatch({{1, 5, 1}, {2, 8, 1}}), 0).ok());
  ASSERT_TRUE(h.op->AdvanceWatermark(Watermark{9}, 0).ok());
  EXPECT_EQ(h.op->num_keys(), 2u);
  ASSERT_TRUE(h.op->AdvanceWatermark(Watermark{18}, 0).ok());  // 18 - 10 >= 8: both expire
  EXPECT_EQ(h.op->num_keys(), 0u);
  ASSERT_TRUE(h.op->Process(MakeBatch({{1, 20, 7}}), 0).ok());
  ASSERT_TRUE(h.op->Finish().ok());
  EXPECT_EQ(h.out.rows.back(), "1,20,7,1,7");
}

TEST(OverAggregateOperatorTest, RestoredStateContinuesLikeAnUninterruptedRun) {
  auto node = OverNode(sql::OverSpec::Frame::kRows, false, 2);
  auto first = MakeBatch({{1, 1, 1}, {1, 3, 2}, {2, 2, 5}, {1, 6, 4}});
  auto second = MakeBatch({{1, 7, 8}, {2, 9, 1}});
  Harness whole(node);
  ASSERT_TRUE(whole.op->Process(first, 0).ok());
  ASSERT_TRUE(whole.op->AdvanceWatermark(Watermark{4}, 0).ok());
  ASSERT_TRUE(whole.op->Process(second, 0).ok());
  ASSERT_TRUE(whole.op->Finish().ok());

  Harness before(node);
  ASSERT_TRUE(before.op->Process(first, 0).ok());
  ASSERT_TRUE(before.op->AdvanceWatermark(Watermark{4}, 0).ok());
  StateEncoder encoder;
  ASSERT_TRUE(before.op->SaveState(&encoder).ok());
  Harness after(node);
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(after.op->RestoreState(&decoder).ok());
  EXPECT_TRUE(decoder.done());
  ASSERT_TRUE(after.op->Process(second, 0).ok());
  ASSERT_TRUE(after.op->Finish().ok());

  Rows resumed = before.out.rows;
  resumed.insert(resumed.end(), after.out.rows.begin(), after.out.rows.end());
  EXPECT_EQ(resumed, whole.out.rows);
  // The pending row at ts 6 and the frames survived: ts 6 sees 1, 3 (k=1, ROWS 2 PRECEDING).
  EXPECT_EQ(whole.out.rows, (Rows{"1,1,1,1,1,null", "2,2,5,1,5,null", "1,3,2,2,3,1", "WM 4",
                                  "1,6,4,3,7,2", "1,7,8,3,14,4", "2,9,1,2,6,5"}));
}

TEST(OverAggregateOperatorTest, StateTtlExpiresIdleKeysAcrossARestore) {
  // RANGE 100 with LAG: only the 10 ms state TTL drops keys.
  auto node = OverNode(sql::OverSpec::Frame::kRange, false, 100);
  auto first = MakeBatch({{1, 5, 1}, {2, 8, 2}});
  auto second = MakeBatch({{2, 17, 4}, {1, 20, 3}});
  Harness whole(node, 10);
  ASSERT_TRUE(whole.op->Process(first, 0).ok());
  ASSERT_TRUE(whole.op->AdvanceWatermark(Watermark{15}, 0).ok());  // 5 + 10 <= 15: key 1 goes
  EXPECT_EQ(whole.op->num_keys(), 1u);
  EXPECT_EQ(whole.op->keys_expired(), 1);
  ASSERT_TRUE(whole.op->Process(second, 0).ok());
  ASSERT_TRUE(whole.op->AdvanceWatermark(Watermark{40}, 0).ok());  // 17 + 10, 20 + 10 <= 40
  EXPECT_EQ(whole.op->num_keys(), 0u);
  EXPECT_EQ(whole.op->keys_expired(), 3);
  // Key 2 at 17 (17 <= 8 + 10) keeps its frame and LAG; key 1 at 20 starts afresh.
  EXPECT_EQ(whole.out.rows, (Rows{"1,5,1,1,1,null", "2,8,2,1,2,null", "WM 15", "2,17,4,2,6,2",
                                  "1,20,3,1,3,null", "WM 40"}));

  Harness before(node, 10);
  ASSERT_TRUE(before.op->Process(first, 0).ok());
  ASSERT_TRUE(before.op->AdvanceWatermark(Watermark{15}, 0).ok());
  StateEncoder encoder;
  ASSERT_TRUE(before.op->SaveState(&encoder).ok());
  Harness after(node, 10);
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(after.op->RestoreState(&decoder).ok());
  EXPECT_TRUE(decoder.done());
  EXPECT_EQ(after.op->keys_expired(), 1);
  ASSERT_TRUE(after.op->Process(second, 0).ok());
  ASSERT_TRUE(after.op->AdvanceWatermark(Watermark{40}, 0).ok());
  EXPECT_EQ(after.op->num_keys(), 0u);
  EXPECT_EQ(after.op->keys_expired(), 3);
  Rows resumed = before.out.rows;
  resumed.insert(resumed.end(), after.out.rows.begin(), after.out.rows.end());
  EXPECT_EQ(resumed, whole.out.rows);
}

}  // namespace
}  // namespace sluice::runtime
