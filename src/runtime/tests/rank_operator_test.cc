#include "runtime/rank_operator.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "runtime/tests/collecting_operator.h"
#include "runtime/tests/key_time_value_batch.h"

namespace sluice::runtime {
namespace {

using Rows = std::vector<std::string>;

// Input columns: k BIGINT, ts TIMESTAMP(3), v BIGINT; output adds the row number.
SchemaPtr InputSchema() { return KeyTimeValueSchema(); }
BatchPtr MakeBatch(const std::vector<KeyTimeValue>& rows) { return KeyTimeValueBatch(rows); }

sql::PlanNodePtr RankNode(bool descending, int64_t limit, SchemaPtr input_schema = InputSchema()) {
  auto input = std::make_shared<sql::PlanNode>();
  input->kind = sql::PlanKind::kScan;
  input->schema = std::move(input_schema);
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kRank;
  node->inputs = {input};
  node->rank.partition_keys = {0};
  node->rank.order_column = 1;
  node->rank.descending = descending;
  node->rank.limit = limit;
  node->rank.with_row_number = true;
  auto schema = std::make_shared<Schema>(*input->schema);
  schema->Add({"rn", LogicalType::BigInt().WithNullable(false)});
  node->schema = schema;
  return node;
}

std::unique_ptr<RankOperator> Make(const sql::PlanNodePtr& node, CollectingOperator* out,
                                   int64_t state_ttl_ms = 0) {
  auto created = RankOperator::Create(*node, state_ttl_ms);
  EXPECT_TRUE(created.ok());
  auto op = std::move(created).value();
  op->SetOutput(out, 0);
  return op;
}

TEST(RankOperatorTest, KeepFirstRanksByRowtimeAfterTheWatermark) {
  CollectingOperator out;
  auto op = Make(RankNode(false, 1), &out);
  // Key 1: ts 5 arrives before ts 3; the first by rowtime (ts 3) is kept.
  ASSERT_TRUE(op->Process(MakeBatch({{1, 5, 50}, {1, 3, 30}, {2, 4, 40}}), 0).ok());
  ASSERT_TRUE(op->AdvanceWatermark(Watermark{10}, 0).ok());
  ASSERT_TRUE(op->Process(MakeBatch({{1, 9, 90}}), 0).ok());  // late: 9 <= 10
  ASSERT_TRUE(op->Finish().ok());
  EXPECT_EQ(out.rows, (Rows{"1,3,30,1", "2,4,40,1", "WM 10"}));
  EXPECT_EQ(op->late_records_dropped(), 1);
}

TEST(RankOperatorTest, KeepLastSurvivesSaveAndRestore) {
  auto node = RankNode(true, 1);
  CollectingOperator before_out;
  auto before = Make(node, &before_out);
  ASSERT_TRUE(before->Process(MakeBatch({{1, 1, 10}, {1, 2, 20}}), 0).ok());
  ASSERT_TRUE(before->AdvanceWatermark(Watermark{1}, 0).ok());  // ts 2 still pending
  StateEncoder encoder;
  ASSERT_TRUE(before->SaveState(&encoder).ok());
  CollectingOperator after_out;
  auto after = Make(node, &after_out);
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(after->RestoreState(&decoder).ok());
  ASSERT_TRUE(after->Process(MakeBatch({{1, 3, 30}}), 0).ok());
  ASSERT_TRUE(after->Finish().ok());
  EXPECT_EQ(before_out.rows, (Rows{"1,1,10,1", "WM 1"}));
  // The kept row (ts 1) and the pending one (ts 2) came back: each later row replaces it.
  EXPECT_EQ(after_out.rows, (Rows{"-U 1,1,10,1", "+U 1,2,20,1", "-U 1,2,20,1", "+U 1,3,30,1"}));
}

TEST(RankOperatorTest, KeepFirstWithStateTtlForgetsIdleKeysAcrossARestore) {
  auto node = RankNode(false, 1);
  CollectingOperator before_out;
  auto before = Make(node, &before_out, 10);
  ASSERT_TRUE(before->Process(MakeBatch({{1, 5, 50}, {2, 6, 60}}), 0).ok());
  ASSERT_TRUE(before->AdvanceWatermark(Watermark{10}, 0).ok());
  ASSERT_TRUE(before->AdvanceWatermark(Watermark{15}, 0).ok());  // 5 + 10 <= 15: key 1 goes
  EXPECT_EQ(before->num_keys(), 1u);
  EXPECT_EQ(before->keys_expired(), 1);
  StateEncoder encoder;
  ASSERT_TRUE(before->SaveState(&encoder).ok());
  CollectingOperator after_out;
  auto after = Make(node, &after_out, 10);
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(after->RestoreState(&decoder).ok());
  EXPECT_TRUE(decoder.done());
  EXPECT_EQ(after->keys_expired(), 1);
  // Key 1 is first again (row number 1); key 2 (16 <= 6 + 10) is still known: a duplicate.
  ASSERT_TRUE(after->Process(MakeBatch({{1, 16, 160}, {2, 16, 161}}), 0).ok());
  ASSERT_TRUE(after->Finish().ok());
  EXPECT_EQ(before_out.rows, (Rows{"1,5,50,1", "2,6,60,1", "WM 10", "WM 15"}));
  EXPECT_EQ(after_out.rows, (Rows{"1,16,160,1"}));
}

// k BIGINT, ts TIMESTAMP(3), s STRING: one batch of (k, ts, s) rows whose strings live in the
// batch's own arena.
BatchPtr StringBatch(const std::vector<std::tuple<int64_t, int64_t, std::string>>& rows) {
  auto batch = std::make_shared<Batch>();
  batch->schema = std::make_shared<Schema>(std::vector<Field>{{"k", LogicalType::BigInt()},
                                                              {"ts", LogicalType::Timestamp(3)},
                                                              {"s", LogicalType::String()}});
  std::vector<std::shared_ptr<Column>> cols;
  for (const Field& f : batch->schema->fields()) cols.push_back(std::make_shared<Column>(f.type));
  for (const auto& [k, ts, s] : rows) {
    cols[0]->AppendInt(k);
    cols[1]->AppendInt(ts);
    cols[2]->AppendString(s);
  }
  batch->columns.assign(cols.begin(), cols.end());
  batch->num_rows = rows.size();
  return batch;
}

TEST(RankOperatorTest, KeepLastOutputKeepsItsStringsAfterTheInputIsGone) {
  auto node = RankNode(true, 1, StringBatch({})->schema);
  CollectingOperator out;
  auto op = Make(node, &out);
  const std::string a(100, 'a'), b(200, 'b'), c(300, 'c');
  ASSERT_TRUE(op->Process(StringBatch({{1, 1, a}, {2, 1, c}}), 0).ok());
  ASSERT_TRUE(op->Process(StringBatch({{1, 2, b}}), 0).ok());
  ASSERT_TRUE(op->AdvanceWatermark(Watermark{5}, 0).ok());
  // The input batches are gone (the buffer let them go); the output batch still reads its rows.
  const std::vector<std::string> churn(100, std::string(1000, 'x'));  // reuses freed memory
  ASSERT_NE(out.last_batch, nullptr);
  const Column& s = out.last_batch->column(2);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.strings()[0], a);  // +I key 1
  EXPECT_EQ(s.strings()[1], c);  // +I key 2
  EXPECT_EQ(s.strings()[2], a);  // -U key 1
  EXPECT_EQ(s.strings()[3], b);  // +U key 1
}

}  // namespace
}  // namespace sluice::runtime
