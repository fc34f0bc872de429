#include "runtime/unnest_operator.h"

#include <gtest/gtest.h>

#include "runtime/tests/collecting_operator.h"

namespace sluice::runtime {
namespace {

using Rows = std::vector<std::string>;

// ROW<s STRING, n INT>
LogicalType ItemType() {
  return LogicalType::Row({"s", "n"}, {LogicalType::String(), LogicalType::Int()});
}

// Input: id BIGINT and one collection column of `type`.
SchemaPtr InputSchema(const LogicalType& type) {
  return std::make_shared<Schema>(std::vector<Field>{{"id", LogicalType::BigInt()}, {"c", type}});
}

// UNNEST(c) over InputSchema(type), adding `added` columns.
sql::PlanNodePtr UnnestNode(const LogicalType& type, std::vector<Field> added) {
  auto scan = std::make_shared<sql::PlanNode>();
  scan->schema = InputSchema(type);
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kUnnest;
  node->inputs = {scan};
  node->unnest = sql::MakeColumnRef(1, type);
  std::vector<Field> fields = scan->schema->fields();
  fields.insert(fields.end(), added.begin(), added.end());
  node->schema = std::make_shared<Schema>(fields);
  return node;
}

BatchPtr MakeBatch(const LogicalType& type, std::shared_ptr<Column> collection) {
  auto batch = std::make_shared<Batch>();
  batch->schema = InputSchema(type);
  auto ids = std::make_shared<Column>(LogicalType::BigInt());
  for (size_t i = 0; i < collection->size(); ++i) ids->AppendInt(static_cast<int64_t>(i + 1));
  batch->columns = {ids, collection};
  batch->num_rows = collection->size();
  for (size_t i = 0; i < batch->num_rows; ++i) batch->row_watermarks.push_back(100 + i);
  return batch;
}

class UnnestOperatorTest : public ::testing::Test {
 protected:
  void Run(const sql::PlanNode& node, const BatchPtr& batch) {
    auto op = UnnestOperator::Create(node, registry_);
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    (*op)->SetOutput(&out_, 0);
    Status s = (*op)->Process(batch, 0);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE((*op)->AdvanceWatermark(Watermark(500), 0).ok());
    ASSERT_TRUE((*op)->Finish().ok());
  }

  expr::FunctionRegistry registry_;
  CollectingOperator out_;
};

TEST_F(UnnestOperatorTest, ArrayOfRowsGivesTheFieldsWithNullAtEachLevel) {
  const LogicalType type = LogicalType::Array(ItemType());
  auto c = std::make_shared<Column>(type);
  Column& item = c->child(0);
  // id 1: [{a, 1}, NULL, {NULL, NULL}]; id 2: []; id 3: NULL; id 4: [{b, 2}]
  item.child(0).AppendString("a");
  item.child(1).AppendInt(1);
  item.EndNestedValue();
  item.AppendNull();
  item.child(0).AppendNull();
  item.child(1).AppendNull();
  item.EndNestedValue();
  c->EndNestedValue();
  c->EndNestedValue();
  c->AppendNull();
  item.child(0).AppendString("b");
  item.child(1).AppendInt(2);
  item.EndNestedValue();
  c->EndNestedValue();
  Run(*UnnestNode(type, {{"s", LogicalType::String()}, {"n", LogicalType::Int()}}),
      MakeBatch(type, c));
  EXPECT_EQ(out_.DataRows(),
            (Rows{"1,[+I[a, 1], null, +I[null, null]],a,1",
                  "1,[+I[a, 1], null, +I[null, null]],null,null",
                  "1,[+I[a, 1], null, +I[null, null]],null,null", "4,[+I[b, 2]],b,2"}));
  // Row watermarks of the input rows, then the watermark and Finish pass through.
  EXPECT_EQ(out_.row_watermarks,
            (std::vector<int64_t>{100, 100, 100, 103, CollectingOperator::kNone}));
  EXPECT_EQ(out_.watermarks, (std::vector<int64_t>{500}));
  EXPECT_EQ(out_.finishes, 1);
}

TEST_F(UnnestOperatorTest, MapGivesKeyAndValueAndEmptyInputGivesNoBatch) {
  const LogicalType type = LogicalType::Map(LogicalType::String(), LogicalType::Int());
  auto c = std::make_shared<Column>(type);
  // id 1: {k=1, z=NULL}; id 2: {}; id 3: NULL
  c->child(0).AppendString("k");
  c->child(1).AppendInt(1);
  c->child(0).AppendString("z");
  c->child(1).AppendNull();
  c->EndNestedValue();
  c->EndNestedValue();
  c->AppendNull();
  Run(*UnnestNode(type, {{"KEY", LogicalType::String()}, {"VALUE", LogicalType::Int()}}),
      MakeBatch(type, c));
  EXPECT_EQ(out_.DataRows(), (Rows{"1,{k=1, z=null},k,1", "1,{k=1, z=null},z,null"}));
  EXPECT_EQ(out_.batches, 1);

  CollectingOperator empty_out;
  auto op = UnnestOperator::Create(
      *UnnestNode(type, {{"KEY", LogicalType::String()}, {"VALUE", LogicalType::Int()}}),
      registry_);
  ASSERT_TRUE(op.ok());
  (*op)->SetOutput(&empty_out, 0);
  auto only_empty = std::make_shared<Column>(type);
  only_empty->EndNestedValue();
  only_empty->AppendNull();
  ASSERT_TRUE((*op)->Process(MakeBatch(type, only_empty), 0).ok());
  EXPECT_EQ(empty_out.batches, 0);
}

TEST_F(UnnestOperatorTest, FiveLevelsDeepElementsComeOutWhole) {
  // ARRAY<ROW<p ARRAY<MAP<STRING, ROW<v INT>>>>>: the element ROW's field p, an
  // ARRAY<MAP<STRING, ROW<v INT>>>, comes out as one column.
  LogicalType inner = LogicalType::Row({"v"}, {LogicalType::Int()});
  LogicalType p_type = LogicalType::Array(LogicalType::Map(LogicalType::String(), inner));
  const LogicalType type = LogicalType::Array(LogicalType::Row({"p"}, {p_type}));
  auto c = std::make_shared<Column>(type);
  Column& row = c->child(0);
  Column& p = row.child(0);
  Column& map = p.child(0);
  map.child(0).AppendString("k");
  map.child(1).child(0).AppendInt(7);
  map.child(1).EndNestedValue();
  map.child(0).AppendString("n");
  map.child(1).AppendNull();
  map.EndNestedValue();
  p.EndNestedValue();
  row.EndNestedValue();
  p.EndNestedValue();  // {p: []}
  row.EndNestedValue();
  c->EndNestedValue();
  Run(*UnnestNode(type, {{"p", p_type}}), MakeBatch(type, c));
  EXPECT_EQ(out_.DataRows(), (Rows{"1,[+I[[{k=+I[7], n=null}]], +I[[]]],[{k=+I[7], n=null}]",
                                   "1,[+I[[{k=+I[7], n=null}]], +I[[]]],[]"}));
}

}  // namespace
}  // namespace sluice::runtime
