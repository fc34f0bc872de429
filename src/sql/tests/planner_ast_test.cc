// Plans hand-built ASTs (no parser): the contract between ast.h and the planner.
#include <gtest/gtest.h>

#include "sql/planner.h"
#include "sql/tests/test_function_resolver.h"

namespace sluice::sql {
namespace {

AstExprPtr Ident(std::vector<std::string> parts, int line, int column) {
  auto e = std::make_shared<AstExpr>();
  e->kind = AstExprKind::kIdentifier;
  e->name_parts = std::move(parts);
  e->pos = {line, column};
  return e;
}

AstExprPtr IntLit(std::string text) {
  auto e = std::make_shared<AstExpr>();
  e->kind = AstExprKind::kLiteral;
  e->literal_kind = LiteralKind::kInteger;
  e->text = std::move(text);
  return e;
}

AstExprPtr Binary(std::string op, AstExprPtr l, AstExprPtr r) {
  auto e = std::make_shared<AstExpr>();
  e->kind = AstExprKind::kBinary;
  e->op = std::move(op);
  e->args = {std::move(l), std::move(r)};
  return e;
}

ColumnDef Column(std::string name, LogicalType type) {
  ColumnDef c;
  c.name = std::move(name);
  c.type = type;
  return c;
}

/// CREATE TABLE t (a INT, b STRING, ts TIMESTAMP(3), c STRING, WATERMARK FOR ts AS ts)
///   WITH ('connector' = 'datagen');
/// CREATE TABLE s (b STRING) WITH ('connector' = 'print');
/// INSERT INTO s SELECT <item> FROM t WHERE a > 1;
Script MakeScript(AstExprPtr item) {
  Script script;
  script.file_name = "ast.sql";
  Statement t;
  t.kind = StatementKind::kCreateTable;
  t.pos = {1, 1};
  t.create_table.name = "t";
  t.create_table.columns = {Column("a", LogicalType::Int()), Column("b", LogicalType::String()),
                            Column("ts", LogicalType::Timestamp(3)),
                            Column("c", LogicalType::String())};
  t.create_table.watermark = WatermarkDef{"ts", {1, 50}, Ident({"ts"}, 1, 70)};
  t.create_table.options = {TableOption{"connector", "datagen", {2, 1}}};
  Statement s;
  s.kind = StatementKind::kCreateTable;
  s.pos = {3, 1};
  s.create_table.name = "s";
  s.create_table.columns = {Column("b", LogicalType::String())};
  s.create_table.options = {TableOption{"connector", "print", {3, 30}}};
  Statement insert;
  insert.kind = StatementKind::kInsert;
  insert.pos = {4, 1};
  insert.insert.table = "s";
  insert.insert.table_pos = {4, 13};
  auto query = std::make_shared<Query>();
  SelectStmt select;
  select.pos = {4, 15};
  select.items.push_back(SelectItem{std::move(item), "", {4, 22}});
  TableRef from;
  from.name = "t";
  from.pos = {4, 29};
  select.from = from;
  select.where = Binary(">", Ident({"a"}, 4, 37), IntLit("1"));
  query->branches.push_back(std::move(select));
  insert.insert.query = query;
  script.statements = {t, s, insert};
  return script;
}

TEST(PlannerAstTest, ProjectsAndFiltersAtTheScan) {
  testing::TestFunctionResolver functions;
  auto plan = PlanScript(MakeScript(Ident({"t", "b"}, 4, 22)), functions, {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->jobs.size(), 1u);
  const PlanNode& sink = *plan->jobs[0];
  ASSERT_EQ(sink.kind, PlanKind::kSink);
  EXPECT_EQ(sink.sink_table->name, "s");
  // SELECT b over the scan is the sink's own schema: the projection is gone and the scan
  // outputs b plus the rowtime ts (kept for the watermark) and a (for the filter).
  const PlanNode& top = *sink.inputs[0];
  ASSERT_EQ(top.kind, PlanKind::kProject);
  const PlanNode& scan = *top.inputs[0];
  ASSERT_EQ(scan.kind, PlanKind::kScan);
  EXPECT_EQ(scan.scan.decoded_columns, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(scan.schema->ToString(), "a INT, b STRING, ts TIMESTAMP(3)");
  EXPECT_EQ(scan.rowtime_column, std::optional<size_t>(2));
  ASSERT_NE(scan.scan.filter, nullptr);
  std::vector<std::string> names = {"a", "b", "ts"};
  EXPECT_EQ(scan.scan.filter->ToString(&names), "(a > 1)");
  EXPECT_EQ(scan.scan.watermark_expr->ToString(&names), "ts");
  EXPECT_EQ(top.exprs.size(), 1u);
  EXPECT_EQ(top.exprs[0]->ToString(&names), "b");
}

TEST(PlannerAstTest, UnknownColumnSuggestsTheClosestName) {
  testing::TestFunctionResolver functions;
  auto plan = PlanScript(MakeScript(Ident({"bb"}, 4, 22)), functions, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kPlanError);
  EXPECT_EQ(plan.status().message(), "ast.sql:4:22: unknown column 'bb'; did you mean 'b'?");
}

TEST(PlannerAstTest, UnknownColumnListsTheColumns) {
  testing::TestFunctionResolver functions;
  auto plan = PlanScript(MakeScript(Ident({"t", "zzzz"}, 4, 22)), functions, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "ast.sql:4:22: unknown column 't.zzzz'; columns of t: a, b, ts, c");
}

TEST(PlannerAstTest, StringIsNotImplicitlyWrittenFromInt) {
  testing::TestFunctionResolver functions;
  auto plan = PlanScript(MakeScript(Ident({"a"}, 4, 22)), functions, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "ast.sql:4:1: query column 1 'a' of type INT cannot be written to column 'b' STRING "
            "of sink 's' (use CAST)");
}

TEST(PlannerAstTest, OverridesWinOverSet) {
  testing::TestFunctionResolver functions;
  Script script = MakeScript(Ident({"b"}, 4, 22));
  Statement set;
  set.kind = StatementKind::kSet;
  set.set = SetStmt{"pipeline.name", "from-file"};
  Statement set2 = set;
  set2.set = SetStmt{"execution.epoch-interval", "2 s"};
  script.statements.insert(script.statements.begin(), {set, set2});
  auto plan = PlanScript(script, functions, {{"pipeline.name", "cli"}});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->settings.at("pipeline.name"), "cli");
  EXPECT_EQ(plan->settings.at("execution.epoch-interval"), "2 s");
}

}  // namespace
}  // namespace sluice::sql
