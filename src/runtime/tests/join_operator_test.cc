#include <gtest/gtest.h>

#include "runtime/interval_join_operator.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "runtime/tests/collecting_operator.h"
#include "runtime/window_join_operator.h"

namespace sluice::runtime {
namespace {

using Rows = std::vector<std::string>;

// Both inputs: k BIGINT (nullable), ts TIMESTAMP(3), v BIGINT [, ws, we TIMESTAMP(3)].
SchemaPtr InputSchema(bool windowed) {
  auto s = std::make_shared<Schema>(std::vector<Field>{{"k", LogicalType::BigInt()},
                                                       {"ts", LogicalType::Timestamp(3)},
                                                       {"v", LogicalType::BigInt()}});
  if (windowed) {
    s->Add({"ws", LogicalType::Timestamp(3)});
    s->Add({"we", LogicalType::Timestamp(3)});
  }
  return s;
}

BatchPtr MakeBatch(const std::vector<std::vector<std::optional<int64_t>>>& rows, bool windowed) {
  auto batch = std::make_shared<Batch>();
  batch->schema = InputSchema(windowed);
  std::vector<std::shared_ptr<Column>> cols;
  for (const Field& f : batch->schema->fields()) cols.push_back(std::make_shared<Column>(f.type));
  for (const auto& row : rows) {
    for (size_t c = 0; c < cols.size(); ++c) {
      if (row[c]) {
        cols[c]->AppendInt(*row[c]);
      } else {
        cols[c]->AppendNull();
      }
    }
  }
  batch->columns.assign(cols.begin(), cols.end());
  batch->num_rows = rows.size();
  return batch;
}

sql::PlanNodePtr JoinNode(sql::PlanKind kind, sql::JoinType type) {
  const bool windowed = kind == sql::PlanKind::kWindowJoin;
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = kind;
  auto schema = std::make_shared<Schema>();
  for (int side = 0; side < 2; ++side) {
    auto input = std::make_shared<sql::PlanNode>();
    input->kind = sql::PlanKind::kScan;
    input->schema = InputSchema(windowed);
    for (const Field& f : input->schema->fields()) schema->Add(f);
    node->inputs.push_back(input);
  }
  node->schema = schema;
  sql::JoinSpec& spec = node->join;
  spec.type = type;
  spec.left_keys = spec.right_keys = {0};
  spec.left_time = spec.right_time = 1;
  spec.lower_ms = -2;
  spec.upper_ms = 3;
  spec.left_window_start = spec.right_window_start = 3;
  spec.left_window_end = spec.right_window_end = 4;
  return node;
}

/// Runs `steps` on a fresh operator for `node`; with `save_after` >= 0 the operator is replaced
/// after that many steps by a new one restored from its checkpoint.
template <typename Op>
Rows RunSteps(const sql::PlanNodePtr& node,
              const std::vector<std::function<Status(Operator*)>>& steps, int save_after = -1) {
  CollectingOperator out;
  auto op = Op::Create(*node).value();
  op->SetOutput(&out, 0);
  for (size_t i = 0; i < steps.size(); ++i) {
    if (static_cast<int>(i) == save_after) {
      StateEncoder encoder;
      EXPECT_TRUE(op->SaveState(&encoder).ok());
      op = Op::Create(*node).value();
      op->SetOutput(&out, 0);
      StateDecoder decoder(encoder.data(), "test");
      EXPECT_TRUE(op->RestoreState(&decoder).ok());
      EXPECT_TRUE(decoder.done());
    }
    Status s = steps[i](op.get());
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return out.rows;
}

std::function<Status(Operator*)> Input(size_t input,
                                       std::vector<std::vector<std::optional<int64_t>>> rows,
                                       bool windowed) {
  return [=](Operator* op) { return op->Process(MakeBatch(rows, windowed), input); };
}

std::function<Status(Operator*)> Wm(int64_t wm) {
  return [=](Operator* op) {
    RETURN_IF_ERROR(op->AdvanceWatermark(Watermark{wm}, 0));
    return op->AdvanceWatermark(Watermark{wm}, 1);
  };
}

std::function<Status(Operator*)> FinishBoth() {
  return [](Operator* op) {
    RETURN_IF_ERROR(op->Finish());
    return op->Finish();
  };
}

TEST(JoinOperatorTest, IntervalJoinPadsUnmatchedLeftRowsWhenTheWatermarkPassesAndResumes) {
  // right.ts - left.ts in [-2, 3] ms, LEFT JOIN. Left rows k1@10 (v1), k1@20 (v2); right k1@8
  // joins k1@10 (-2: inclusive); right k2@9 matches nothing (inner side). Watermark 12: right rows
  // expire (r + 2 <= 12), the output watermark is 12 - 3 = 9. Right k1@17 matches nothing
  // (left rows in [14, 19]). Watermark 30: k1@10 (matched) expires, k1@20 is padded.
  auto node = JoinNode(sql::PlanKind::kIntervalJoin, sql::JoinType::kLeft);
  std::vector<std::function<Status(Operator*)>> steps = {Input(0, {{1, 10, 1}, {1, 20, 2}}, false),
                                                         Input(1, {{1, 8, 11}, {2, 9, 12}}, false),
                                                         Wm(12),
                                                         Input(1, {{1, 17, 13}}, false),
                                                         Wm(30),
                                                         FinishBoth()};
  const Rows expected = {"1,10,1,1,8,11", "WM 9", "1,20,2,null,null,null", "WM 27"};
  EXPECT_EQ(RunSteps<IntervalJoinOperator>(node, steps), expected);
  for (int cut = 1; cut < static_cast<int>(steps.size()); ++cut) {
    EXPECT_EQ(RunSteps<IntervalJoinOperator>(node, steps, cut), expected)
        << "restored before " << cut;
  }
}

TEST(JoinOperatorTest, IntervalJoinHoldsBackTheWatermarkAndKeepsEveryPair) {
  // INNER; two left rows of k1 at 5 and 6, right k1@7: r - t = 2 and 1, both within [-2, 3].
  // Output rows carry the output watermark before them (min - 3 saturates to the minimum).
  CollectingOperator out;
  auto op =
      IntervalJoinOperator::Create(*JoinNode(sql::PlanKind::kIntervalJoin, sql::JoinType::kInner))
          .value();
  op->SetOutput(&out, 0);
  ASSERT_TRUE(op->Process(MakeBatch({{1, 5, 1}, {1, 6, 2}}, false), 0).ok());
  ASSERT_TRUE(op->Process(MakeBatch({{1, 7, 3}, {std::nullopt, 7, 4}}, false), 1).ok());
  ASSERT_TRUE(Wm(6)(op.get()).ok());
  EXPECT_EQ(out.rows, (Rows{"1,5,1,1,7,3", "1,6,2,1,7,3", "WM 3"}));
  EXPECT_EQ(out.row_watermarks[0], kMinWatermark.value());
  EXPECT_EQ(op->num_held(0), 2u);  // 5 + 3 and 6 + 3 are after 6
  EXPECT_EQ(op->num_held(1), 1u);  // the NULL-key row is not held
}

TEST(JoinOperatorTest, IntervalJoinKeepsRowsAtTheWatermarkForPartnersStillOnTime) {
  // INNER, equal times (lower = upper = 0), as a join of two cascaded window results on their
  // window_time. Both inputs are at watermark 9 when left k1@9 arrives: a row at the watermark is
  // on time (late only when its time is before it), so it is held. The left input then moves to
  // 12 (its window operator forwarded the watermark that fired it), and right k1@9 arrives with
  // the watermark in force before it, 9: on time, it joins. Right 12 expires both.
  sql::PlanNode node = *JoinNode(sql::PlanKind::kIntervalJoin, sql::JoinType::kInner);
  node.join.lower_ms = node.join.upper_ms = 0;
  CollectingOperator out;
  auto op = IntervalJoinOperator::Create(node).value();
  op->SetOutput(&out, 0);
  ASSERT_TRUE(Wm(9)(op.get()).ok());
  ASSERT_TRUE(op->Process(MakeBatch({{1, 9, 1}}, false), 0).ok());
  ASSERT_TRUE(op->AdvanceWatermark(Watermark{12}, 0).ok());
  auto right = std::make_shared<Batch>(*MakeBatch({{1, 9, 2}}, false));
  right->row_watermarks = {9};
  ASSERT_TRUE(op->Process(right, 1).ok());
  EXPECT_EQ(op->num_held(0), 1u);
  ASSERT_TRUE(op->AdvanceWatermark(Watermark{12}, 1).ok());
  EXPECT_EQ(out.rows, (Rows{"WM 9", "1,9,1,1,9,2", "WM 12"}));
  EXPECT_EQ(op->num_held(0), 0u);
  EXPECT_EQ(op->num_held(1), 0u);
}

TEST(JoinOperatorTest, WindowJoinFiresAtWindowEndDropsLateRowsAndResumes) {
  // FULL JOIN per window [ws, we) and k. Window [0, 10): left k1 v1, left NULL-key v2, right k1
  // v11; window [10, 20): right k2 v12, left k2 v3. Watermark 10 fires [0, 10): (1, 11), then the
  // NULL-key left row padded; the right k1 row of [0, 10) that arrives after is late (dropped).
  // Finish fires [10, 20): (3, 12).
  auto node = JoinNode(sql::PlanKind::kWindowJoin, sql::JoinType::kFull);
  std::vector<std::function<Status(Operator*)>> steps = {
      Input(0, {{1, 1, 1, 0, 10}, {std::nullopt, 2, 2, 0, 10}}, true),
      Input(1, {{1, 3, 11, 0, 10}, {2, 12, 12, 10, 20}}, true),
      Wm(5),
      Input(0, {{2, 15, 3, 10, 20}}, true),
      Wm(10),
      Input(1, {{1, 4, 13, 0, 10}}, true),
      FinishBoth()};
  const Rows expected = {"WM 5", "1,1,1,0,10,1,3,11,0,10", "null,2,2,0,10,null,null,null,null,null",
                         "WM 10", "2,15,3,10,20,2,12,12,10,20"};
  EXPECT_EQ(RunSteps<WindowJoinOperator>(node, steps), expected);
  for (int cut = 1; cut < static_cast<int>(steps.size()); ++cut) {
    EXPECT_EQ(RunSteps<WindowJoinOperator>(node, steps, cut), expected)
        << "restored before " << cut;
  }
}

// 'pipeline.max-memory' counts the rows a join holds: StateBytes grows with them, is the same
// after a restore, and falls to 0 once the watermark releases them all.
template <typename Op>
void ExpectStateBytesFollowHeldRows(sql::PlanKind kind, bool windowed) {
  auto node = JoinNode(kind, sql::JoinType::kInner);
  CollectingOperator out;
  auto op = Op::Create(*node).value();
  op->SetOutput(&out, 0);
  EXPECT_EQ(op->StateBytes(), 0u);
  ASSERT_TRUE(op->Process(MakeBatch({{1, 5, 1, 0, 10}}, windowed), 0).ok());
  const size_t one = op->StateBytes();
  EXPECT_GT(one, 0u);
  ASSERT_TRUE(op->Process(MakeBatch({{2, 6, 2, 0, 10}, {3, 7, 3, 0, 10}}, windowed), 1).ok());
  const size_t three = op->StateBytes();
  EXPECT_GT(three, 2 * one);
  StateEncoder encoder;
  ASSERT_TRUE(op->SaveState(&encoder).ok());
  auto restored = Op::Create(*node).value();
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(restored->RestoreState(&decoder).ok());
  EXPECT_EQ(restored->StateBytes(), three);
  restored->SetOutput(&out, 0);
  ASSERT_TRUE(restored->AdvanceWatermark(Watermark{100}, 0).ok());
  ASSERT_TRUE(restored->AdvanceWatermark(Watermark{100}, 1).ok());
  EXPECT_EQ(restored->StateBytes(), 0u);
}

TEST(JoinOperatorTest, StateBytesFollowTheHeldRows) {
  ExpectStateBytesFollowHeldRows<IntervalJoinOperator>(sql::PlanKind::kIntervalJoin, false);
  ExpectStateBytesFollowHeldRows<WindowJoinOperator>(sql::PlanKind::kWindowJoin, true);
}

TEST(JoinOperatorTest, RestoreRejectsTruncatedState) {
  auto node = JoinNode(sql::PlanKind::kIntervalJoin, sql::JoinType::kInner);
  auto op = IntervalJoinOperator::Create(*node).value();
  ASSERT_TRUE(op->Process(MakeBatch({{1, 5, 1}}, false), 0).ok());
  StateEncoder encoder;
  ASSERT_TRUE(op->SaveState(&encoder).ok());
  std::string bytes = encoder.data();
  bytes.resize(bytes.size() - 3);
  auto restored = IntervalJoinOperator::Create(*node).value();
  StateDecoder decoder(bytes, "test");
  EXPECT_FALSE(restored->RestoreState(&decoder).ok());
}

}  // namespace
}  // namespace sluice::runtime
