#include "runtime/over_aggregate_operator.h"

#include <gtest/gtest.h>

#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "runtime/tests/collecting_operator.h"
#include "runtime/tests/key_time_value_batch.h"
#include "runtime/value_codec.h"

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

/// Processes `first` and the watermark `watermark` in one operator, saves its state, restores it
/// into `after`'s, which processes `second` and finishes; returns the rows of both, in order.
Rows RunAcrossARestore(const sql::PlanNodePtr& node, const BatchPtr& first, int64_t watermark,
                       const BatchPtr& second, Harness* after) {
  Harness before(node);
  EXPECT_TRUE(before.op->Process(first, 0).ok());
  EXPECT_TRUE(before.op->AdvanceWatermark(Watermark{watermark}, 0).ok());
  StateEncoder encoder;
  EXPECT_TRUE(before.op->SaveState(&encoder).ok());
  StateDecoder decoder(encoder.data(), "test");
  EXPECT_TRUE(after->op->RestoreState(&decoder).ok());
  EXPECT_TRUE(decoder.done());
  EXPECT_TRUE(after->op->Process(second, 0).ok());
  EXPECT_TRUE(after->op->Finish().ok());
  Rows rows = before.out.rows;
  rows.insert(rows.end(), after->out.rows.begin(), after->out.rows.end());
  return rows;
}

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

/// OVER (PARTITION BY k ORDER BY ts RANGE `preceding` PRECEDING) with COUNT(*), SUM(v): without
/// LAG, keys expire with their frame.
sql::PlanNodePtr RangeNodeWithoutLag(int64_t preceding) {
  auto node =
      std::make_shared<sql::PlanNode>(*OverNode(sql::OverSpec::Frame::kRange, false, preceding));
  node->over.calls.pop_back();
  auto schema = std::make_shared<Schema>(*node->inputs[0]->schema);
  schema->Add({"$over0", node->over.calls[0].type});
  schema->Add({"$over1", node->over.calls[1].type});
  node->schema = schema;
  return node;
}

TEST(OverAggregateOperatorTest, RangeFrameStateExpiresWithTheWatermark) {
  Harness h(RangeNodeWithoutLag(10));
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

  Harness after(node);
  EXPECT_EQ(RunAcrossARestore(node, first, 4, second, &after), whole.out.rows);
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

// A key whose frame expired comes back with an empty frame while a new key takes its freed
// state; a restore in between changes nothing.
TEST(OverAggregateOperatorTest, KeysComingBackAfterExpiryStartAfreshAcrossARestore) {
  const auto node = RangeNodeWithoutLag(10);
  const auto first = MakeBatch({{1, 5, 1}, {2, 8, 2}});
  const auto second = MakeBatch({{3, 20, 4}, {2, 17, 3}, {1, 21, 5}});
  Harness whole(node);
  ASSERT_TRUE(whole.op->Process(first, 0).ok());
  ASSERT_TRUE(whole.op->AdvanceWatermark(Watermark{16}, 0).ok());  // 5 + 10 <= 16: key 1 goes
  EXPECT_EQ(whole.op->num_keys(), 1u);
  EXPECT_EQ(whole.op->keys_expired(), 1);
  ASSERT_TRUE(whole.op->Process(second, 0).ok());
  ASSERT_TRUE(whole.op->Finish().ok());
  // Key 2 at 17 still sees its row at 8; keys 3 and 1 start with their own row.
  EXPECT_EQ(whole.out.rows,
            (Rows{"1,5,1,1,1", "2,8,2,1,2", "WM 16", "2,17,3,2,5", "3,20,4,1,4", "1,21,5,1,5"}));
  EXPECT_EQ(whole.op->num_keys(), 3u);

  Harness after(node);
  EXPECT_EQ(RunAcrossARestore(node, first, 16, second, &after), whole.out.rows);
  EXPECT_EQ(after.op->keys_expired(), 1);
}

// Expired keys stay interned while they are few; past that they are forgotten and their ids
// reused. Either way a key that comes back starts with an empty frame.
TEST(OverAggregateOperatorTest, ManyExpiredKeysAreForgottenAndCanComeBack) {
  Harness h(RangeNodeWithoutLag(10));
  std::vector<KeyTimeValue> rows;
  for (int64_t k = 1; k <= 5000; ++k) rows.push_back({k, k, 1});
  ASSERT_TRUE(h.op->Process(MakeBatch(rows), 0).ok());
  // Rows up to 3000 fire; keys 1..2990 expire (dormant: fewer than kMinDormant).
  ASSERT_TRUE(h.op->AdvanceWatermark(Watermark{3000}, 0).ok());
  EXPECT_EQ(h.op->num_keys(), 10u);
  EXPECT_EQ(h.op->keys_expired(), 2990);
  // The rest fire and expire: past kMinDormant dormant keys the oldest are forgotten; key 5000,
  // expired last, stays dormant.
  ASSERT_TRUE(h.op->AdvanceWatermark(Watermark{6000}, 0).ok());
  EXPECT_EQ(h.op->num_keys(), 0u);
  EXPECT_EQ(h.op->keys_expired(), 5000);
  ASSERT_EQ(h.out.rows.size(), 5002u);  // and two watermarks
  EXPECT_EQ(h.out.rows[4999], "4999,4999,1,1,1");
  // Keys 1, 2 and 5000 again, with key 2 twice.
  ASSERT_TRUE(
      h.op->Process(MakeBatch({{1, 7000, 2}, {2, 7001, 3}, {5000, 7002, 4}, {2, 7005, 5}}), 0)
          .ok());
  StateEncoder encoder;
  ASSERT_TRUE(h.op->SaveState(&encoder).ok());
  ASSERT_TRUE(h.op->Finish().ok());
  EXPECT_EQ(Rows(h.out.rows.end() - 4, h.out.rows.end()),
            (Rows{"1,7000,2,1,2", "2,7001,3,1,3", "5000,7002,4,1,4", "2,7005,5,2,8"}));
  EXPECT_EQ(h.op->num_keys(), 3u);
  Harness restored(RangeNodeWithoutLag(10));
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(restored.op->RestoreState(&decoder).ok());
  EXPECT_EQ(restored.op->num_keys(), 0u);  // the rows still wait for the watermark
  EXPECT_EQ(restored.op->keys_expired(), 5000);
  ASSERT_TRUE(restored.op->Finish().ok());
  EXPECT_EQ(restored.out.rows,
            (Rows{"1,7000,2,1,2", "2,7001,3,1,3", "5000,7002,4,1,4", "2,7005,5,2,8"}));
}

// The saved layout, written here field by field: the watermark, the buffer (late count, rows by
// rowtime), per key its encoded text, frame (rowtime, then the argument of each call needing one),
// LAG history, then the expiry queue with keys as their encoded text.
TEST(OverAggregateOperatorTest, RestoresTheSavedLayoutOfStringKeys) {
  const std::string key = EventTimeRowBuffer::KeyOf({Value::Int64(LogicalType::BigInt(), 1)}, {0});
  StateEncoder encoder;
  encoder.PutI64(9);  // watermark
  encoder.PutI64(0);  // late rows
  encoder.PutI64(0);  // rowtimes buffered
  encoder.PutI64(1);  // keys
  encoder.PutString(key);
  encoder.PutI64(1);  // frame rows
  encoder.PutI64(5);
  ValueCodec::PutOptional(Value::Int64(LogicalType::BigInt(), 1), &encoder);  // SUM(v)
  encoder.PutI64(0);                                                          // LAG history
  encoder.PutI64(0);                                                          // keys expired
  encoder.PutI64(1);                                                          // queue entries
  encoder.PutI64(15);                                                         // deadline
  encoder.PutString(key);
  encoder.PutI64(5);  // newest access
  Harness h(RangeNodeWithoutLag(10));
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(h.op->RestoreState(&decoder).ok());
  EXPECT_TRUE(decoder.done());
  ASSERT_TRUE(h.op->Process(MakeBatch({{1, 12, 2}, {1, 30, 4}}), 0).ok());
  ASSERT_TRUE(h.op->Finish().ok());
  // 12 sees the restored row at 5; by 30 the key's frame has expired.
  EXPECT_EQ(h.out.rows, (Rows{"1,12,2,2,3", "1,30,4,1,4"}));
  EXPECT_EQ(h.op->keys_expired(), 1);
  // Saving again gives the same layout.
  StateEncoder again;
  ASSERT_TRUE(h.op->SaveState(&again).ok());
  Harness restored(RangeNodeWithoutLag(10));
  StateDecoder again_decoder(again.data(), "test");
  ASSERT_TRUE(restored.op->RestoreState(&again_decoder).ok());
  EXPECT_EQ(restored.op->num_keys(), 1u);
}

}  // namespace
}  // namespace sluice::runtime
