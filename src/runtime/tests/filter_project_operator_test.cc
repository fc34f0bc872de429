#include "runtime/filter_project_operator.h"

#include <gtest/gtest.h>

#include "runtime/tests/collecting_operator.h"

namespace sluice::runtime {
namespace {

using Rows = std::vector<std::string>;

// Input columns: k BIGINT, v BIGINT, buy BOOLEAN.
SchemaPtr InputSchema() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"k", LogicalType::BigInt()}, {"v", LogicalType::BigInt()}, {"buy", LogicalType::Boolean()}});
}

BatchPtr MakeBatch(const std::vector<std::tuple<int64_t, int64_t, bool>>& rows) {
  auto batch = std::make_shared<Batch>();
  batch->schema = InputSchema();
  std::vector<std::shared_ptr<Column>> cols;
  for (const Field& f : batch->schema->fields()) cols.push_back(std::make_shared<Column>(f.type));
  int64_t wm = 100;
  for (const auto& [k, v, buy] : rows) {
    cols[0]->AppendInt(k);
    cols[1]->AppendInt(v);
    cols[2]->AppendBool(buy);
    batch->row_watermarks.push_back(wm++);
    batch->row_kinds.push_back(k % 2 ? RowKind::kInsert : RowKind::kUpdateAfter);
  }
  batch->columns.assign(cols.begin(), cols.end());
  batch->num_rows = rows.size();
  return batch;
}

sql::BoundExprPtr Col(size_t i) { return sql::MakeColumnRef(i, InputSchema()->field(i).type); }

sql::PlanNodePtr FilterNode(sql::BoundExprPtr predicate) {
  auto scan = std::make_shared<sql::PlanNode>();
  scan->schema = InputSchema();
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kFilter;
  node->inputs = {scan};
  node->schema = InputSchema();
  node->predicate = std::move(predicate);
  return node;
}

/// SELECT v, k, v * 2 AS twice FROM <input>
sql::PlanNodePtr ProjectNode(sql::PlanNodePtr input) {
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kProject;
  node->inputs = {std::move(input)};
  node->exprs = {Col(1), Col(0),
                 sql::MakeCall("*", {Col(1), sql::MakeLiteral(Value::Int64(LogicalType::Int(), 2))},
                               LogicalType::BigInt())};
  node->schema = std::make_shared<Schema>(std::vector<Field>{{"v", LogicalType::BigInt()},
                                                             {"k", LogicalType::BigInt()},
                                                             {"twice", LogicalType::BigInt()}});
  return node;
}

class FilterProjectOperatorTest : public ::testing::Test {
 protected:
  void Build(const sql::PlanNode& node) {
    auto op = FilterProjectOperator::Create(node, registry_);
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    op_ = std::move(*op);
    op_->SetOutput(&out_, 0);
  }
  void Push(const BatchPtr& batch) {
    Status s = op_->Process(batch, 0);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  expr::FunctionRegistry registry_;
  std::unique_ptr<FilterProjectOperator> op_;
  CollectingOperator out_;
};

TEST_F(FilterProjectOperatorTest, FilterKeepsSideColumnsOfSurvivingRows) {
  Build(*FilterNode(Col(2)));  // WHERE buy
  Push(MakeBatch({{1, 10, true}, {2, 20, false}, {3, 30, true}, {4, 40, true}}));
  EXPECT_EQ(out_.rows, (Rows{"+I 1,10,true", "+I 3,30,true", "+U 4,40,true"}));
  EXPECT_EQ(out_.row_watermarks, (std::vector<int64_t>{100, 102, 103}));
}

TEST_F(FilterProjectOperatorTest, ForwardsABatchWhoseRowsAllPassAsItIs) {
  Build(*FilterNode(Col(2)));
  auto batch = MakeBatch({{1, 10, true}, {3, 30, true}});
  Push(batch);
  EXPECT_EQ(out_.last_batch, batch);
}

TEST_F(FilterProjectOperatorTest, DropsABatchWithNoSurvivingRows) {
  Build(*FilterNode(Col(2)));
  Push(MakeBatch({{1, 10, false}}));
  EXPECT_EQ(out_.batches, 0);
}

TEST_F(FilterProjectOperatorTest, ProjectsColumnsAndExpressions) {
  Build(*ProjectNode(FilterNode(Col(2))->inputs[0]));
  EXPECT_FALSE(
      FilterProjectOperator::FusesInputFilter(*ProjectNode(FilterNode(Col(2))->inputs[0])));
  auto batch = MakeBatch({{1, 10, true}, {2, 20, false}});
  Push(batch);
  EXPECT_EQ(out_.rows, (Rows{"+I 10,1,20", "+U 20,2,40"}));
  // Column references are shared, not copied, when every row survives.
  EXPECT_EQ(out_.last_batch->columns[0], batch->columns[1]);
  EXPECT_EQ(out_.last_batch->schema->field(2).name, "twice");
}

TEST_F(FilterProjectOperatorTest, FusesAProjectOverAFilter) {
  // SELECT v, k, v * 2 FROM t WHERE v > 15
  auto filter = FilterNode(
      sql::MakeCall(">", {Col(1), sql::MakeLiteral(Value::Int64(LogicalType::Int(), 15))},
                    LogicalType::Boolean()));
  auto project = ProjectNode(filter);
  EXPECT_TRUE(FilterProjectOperator::FusesInputFilter(*project));
  Build(*project);
  Push(MakeBatch({{1, 10, true}, {2, 20, false}, {3, 30, true}}));
  EXPECT_EQ(out_.rows, (Rows{"+U 20,2,40", "+I 30,3,60"}));
  EXPECT_EQ(out_.row_watermarks, (std::vector<int64_t>{101, 102}));
}

TEST_F(FilterProjectOperatorTest, ForwardsWatermarksAndFinish) {
  Build(*FilterNode(Col(2)));
  ASSERT_TRUE(op_->AdvanceWatermark(Watermark(7), 0).ok());
  ASSERT_TRUE(op_->Finish().ok());
  EXPECT_EQ(out_.watermarks, (std::vector<int64_t>{7}));
  EXPECT_EQ(out_.finishes, 1);
}

}  // namespace
}  // namespace sluice::runtime
