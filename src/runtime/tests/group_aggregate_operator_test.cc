#include "runtime/group_aggregate_operator.h"

#include <gtest/gtest.h>

#include "runtime/tests/collecting_operator.h"

namespace sluice::runtime {
namespace {

using Rows = std::vector<std::string>;

// Input columns: k BIGINT, v BIGINT, buy BOOLEAN; each row with its kind.
struct InRow {
  RowKind kind;
  int64_t k;
  int64_t v;
  bool buy = false;
};

SchemaPtr InputSchema() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"k", LogicalType::BigInt()}, {"v", LogicalType::BigInt()}, {"buy", LogicalType::Boolean()}});
}

BatchPtr MakeBatch(const std::vector<InRow>& rows) {
  auto batch = std::make_shared<Batch>();
  batch->schema = InputSchema();
  std::vector<std::shared_ptr<Column>> cols;
  for (const Field& f : batch->schema->fields()) cols.push_back(std::make_shared<Column>(f.type));
  for (const InRow& r : rows) {
    cols[0]->AppendInt(r.k);
    cols[1]->AppendInt(r.v);
    cols[2]->AppendBool(r.buy);
    batch->row_kinds.push_back(r.kind);
  }
  batch->columns.assign(cols.begin(), cols.end());
  batch->num_rows = rows.size();
  return batch;
}

sql::BoundAggregate Aggregate(std::string function, sql::BoundExprPtr arg, LogicalType type) {
  sql::BoundAggregate a;
  a.function = std::move(function);
  a.count_star = arg == nullptr;
  a.arg = std::move(arg);
  a.type = type;
  return a;
}

/// SELECT [k,] <aggregates> FROM t [GROUP BY k]
sql::PlanNodePtr GroupNode(bool keyed, std::vector<sql::BoundAggregate> aggregates,
                           std::vector<std::string> names) {
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kGroupAggregate;
  node->changelog = true;
  std::vector<Field> fields;
  if (keyed) {
    node->group_keys = {sql::MakeColumnRef(0, LogicalType::BigInt())};
    fields.push_back({"k", LogicalType::BigInt()});
  }
  for (size_t a = 0; a < aggregates.size(); ++a) fields.push_back({names[a], aggregates[a].type});
  node->aggregates = std::move(aggregates);
  node->schema = std::make_shared<Schema>(std::move(fields));
  return node;
}

/// SELECT k, COUNT(*), SUM(v), COUNT(*) FILTER (WHERE buy) FROM t GROUP BY k
sql::PlanNodePtr CountSumBuysNode() {
  auto buys = Aggregate("COUNT", nullptr, LogicalType::BigInt());
  buys.filter = sql::MakeColumnRef(2, LogicalType::Boolean());
  return GroupNode(
      true,
      {Aggregate("COUNT", nullptr, LogicalType::BigInt()),
       Aggregate("SUM", sql::MakeColumnRef(1, LogicalType::BigInt()), LogicalType::BigInt()), buys},
      {"cnt", "total", "buys"});
}

class GroupAggregateOperatorTest : public ::testing::Test {
 protected:
  void Build(const sql::PlanNodePtr& node, int64_t state_ttl_ms = 0) {
    auto op = GroupAggregateOperator::Create(*node, registry_, state_ttl_ms);
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    op_ = std::move(*op);
    op_->SetOutput(&out_, 0);
  }
  /// Pushes `rows` as one batch and returns the rows emitted for it.
  Rows Push(const std::vector<InRow>& rows) {
    const size_t before = out_.rows.size();
    Status s = op_->Process(MakeBatch(rows), 0);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return Rows(out_.rows.begin() + static_cast<std::ptrdiff_t>(before), out_.rows.end());
  }

  expr::FunctionRegistry registry_;
  std::unique_ptr<GroupAggregateOperator> op_;
  CollectingOperator out_;
};

constexpr RowKind kI = RowKind::kInsert;
constexpr RowKind kUB = RowKind::kUpdateBefore;
constexpr RowKind kUA = RowKind::kUpdateAfter;
constexpr RowKind kD = RowKind::kDelete;

TEST_F(GroupAggregateOperatorTest, EmitsAFlinkChangelogOncePerKeyPerBatch) {
  Build(CountSumBuysNode());
  // k, COUNT(*), SUM(v), COUNT(*) FILTER (WHERE buy)
  EXPECT_EQ(Push({{kI, 1, 10, true}, {kI, 2, 5}, {kI, 1, 3}}), (Rows{"+I 1,2,13,1", "+I 2,1,5,0"}));
  EXPECT_EQ(Push({{kI, 2, 1, true}}), (Rows{"-U 2,1,5,0", "+U 2,2,6,1"}));
  // Retracting (1, 10, buy) takes it out of every aggregate, the FILTER one included.
  EXPECT_EQ(Push({{kD, 1, 10, true}}), (Rows{"-U 1,2,13,1", "+U 1,1,3,0"}));
  // The last row of key 1 goes: its result is deleted.
  EXPECT_EQ(Push({{kD, 1, 3}}), (Rows{"-D 1,1,3,0"}));
  // Key 1 starts afresh; a retraction for key 3, which has no rows, is ignored.
  EXPECT_EQ(Push({{kI, 1, 7}, {kD, 3, 1}}), (Rows{"+I 1,1,7,0"}));
  // An update pair and an insert for key 2 in one batch: one -U/+U pair, after the batch.
  EXPECT_EQ(Push({{kI, 2, 4}, {kUB, 2, 1, true}, {kUA, 2, 2, true}}),
            (Rows{"-U 2,2,6,1", "+U 2,3,11,1"}));
  EXPECT_EQ(op_->num_groups(), 3u);
}

TEST_F(GroupAggregateOperatorTest, EmitsNothingWhenTheResultDidNotChange) {
  Build(GroupNode(
      true, {Aggregate("SUM", sql::MakeColumnRef(1, LogicalType::BigInt()), LogicalType::BigInt())},
      {"total"}));
  EXPECT_EQ(Push({{kI, 1, 5}}), (Rows{"+I 1,5"}));
  EXPECT_EQ(Push({{kI, 1, 0}}), Rows{});
  EXPECT_EQ(Push({{kI, 1, 1}}), (Rows{"-U 1,5", "+U 1,6"}));
}

TEST_F(GroupAggregateOperatorTest, DistinctKeysWithoutAggregates) {
  // SELECT DISTINCT k FROM t (over a changelog): a key appears once and goes with its last row.
  Build(GroupNode(true, {}, {}));
  EXPECT_EQ(Push({{kI, 1, 1}, {kI, 2, 1}, {kI, 1, 2}}), (Rows{"+I 1", "+I 2"}));
  EXPECT_EQ(Push({{kI, 2, 3}, {kD, 1, 1}}), Rows{});
  EXPECT_EQ(Push({{kD, 1, 2}}), (Rows{"-D 1"}));
}

TEST_F(GroupAggregateOperatorTest, GlobalAggregateWithoutKeys) {
  Build(GroupNode(false, {Aggregate("COUNT", nullptr, LogicalType::BigInt())}, {"cnt"}));
  EXPECT_EQ(Push({{kI, 1, 1}, {kI, 2, 1}}), (Rows{"+I 2"}));
  EXPECT_EQ(Push({{kI, 3, 1}}), (Rows{"-U 2", "+U 3"}));
}

TEST_F(GroupAggregateOperatorTest, RetractingMaxIsUnsupported) {
  Build(GroupNode(
      true, {Aggregate("MAX", sql::MakeColumnRef(1, LogicalType::BigInt()), LogicalType::BigInt())},
      {"top"}));
  EXPECT_EQ(Push({{kI, 1, 5}}), (Rows{"+I 1,5"}));
  EXPECT_EQ(op_->Process(MakeBatch({{kD, 1, 5}}), 0).code(), StatusCode::kUnsupported);
}

TEST_F(GroupAggregateOperatorTest, ForwardsWatermarksAndFinish) {
  Build(CountSumBuysNode());
  ASSERT_TRUE(op_->AdvanceWatermark(Watermark(42), 0).ok());
  ASSERT_TRUE(op_->Finish().ok());
  EXPECT_EQ(out_.watermarks, (std::vector<int64_t>{42}));
  EXPECT_EQ(out_.finishes, 1);
}

TEST_F(GroupAggregateOperatorTest, StateRestoredIntoAFreshOperatorContinuesTheChangelog) {
  Build(CountSumBuysNode());
  EXPECT_EQ(Push({{kI, 1, 10, true}, {kI, 2, 5}}), (Rows{"+I 1,1,10,1", "+I 2,1,5,0"}));
  StateEncoder saved;
  ASSERT_TRUE(op_->SaveState(&saved).ok());
  out_ = CollectingOperator();
  Build(CountSumBuysNode());
  StateDecoder in(saved.data(), "test state");
  Status restored = op_->RestoreState(&in);
  ASSERT_TRUE(restored.ok()) << restored.ToString();
  EXPECT_TRUE(in.done());
  // Key 1 continues from (1, 10, 1); key 2's only row is retracted; key 3 is new.
  EXPECT_EQ(Push({{kI, 1, 3}, {kD, 2, 5}, {kI, 3, 4, true}}),
            (Rows{"-U 1,1,10,1", "+U 1,2,13,1", "-D 2,1,5,0", "+I 3,1,4,1"}));
  EXPECT_EQ(op_->num_groups(), 3u);
}

TEST_F(GroupAggregateOperatorTest, StateTtlResetsIdleKeysAndSurvivesARestore) {
  Build(CountSumBuysNode(), 10);
  ASSERT_TRUE(op_->AdvanceWatermark(Watermark{0}, 0).ok());
  EXPECT_EQ(Push({{kI, 1, 10, true}, {kI, 2, 5}}), (Rows{"+I 1,1,10,1", "+I 2,1,5,0"}));  // at 0
  ASSERT_TRUE(op_->AdvanceWatermark(Watermark{5}, 0).ok());
  EXPECT_EQ(Push({{kI, 1, 3}}), (Rows{"-U 1,1,10,1", "+U 1,2,13,1"}));  // key 1 accessed at 5
  ASSERT_TRUE(op_->AdvanceWatermark(Watermark{10}, 0).ok());  // 0 + 10 <= 10: key 2 is reset
  EXPECT_EQ(op_->keys_expired(), 1);
  StateEncoder saved;
  ASSERT_TRUE(op_->SaveState(&saved).ok());
  out_ = CollectingOperator();
  Build(CountSumBuysNode(), 10);
  StateDecoder in(saved.data(), "test state");
  Status restored = op_->RestoreState(&in);
  ASSERT_TRUE(restored.ok()) << restored.ToString();
  EXPECT_TRUE(in.done());
  EXPECT_EQ(op_->keys_expired(), 1);
  // Key 2 starts afresh (+I, nothing retracted); key 1 (5 + 10 > 10) continues.
  EXPECT_EQ(Push({{kI, 2, 7}, {kI, 1, 1}}), (Rows{"+I 2,1,7,0", "-U 1,2,13,1", "+U 1,3,14,1"}));
  ASSERT_TRUE(op_->AdvanceWatermark(Watermark{20}, 0).ok());  // both accessed at 10
  EXPECT_EQ(op_->keys_expired(), 3);
  EXPECT_EQ(Push({{kI, 1, 2}}), (Rows{"+I 1,1,2,0"}));
}

}  // namespace
}  // namespace sluice::runtime
