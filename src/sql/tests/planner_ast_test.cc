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

AstExprPtr Interval(std::string amount, std::string unit) {
  auto e = std::make_shared<AstExpr>();
  e->kind = AstExprKind::kLiteral;
  e->literal_kind = LiteralKind::kInterval;
  e->text = std::move(amount);
  e->interval_unit = std::move(unit);
  return e;
}

AstExprPtr CountStar() {
  auto e = std::make_shared<AstExpr>();
  e->kind = AstExprKind::kFunction;
  e->name_parts = {"COUNT"};
  e->star_arg = true;
  return e;
}

/// SELECT c, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(<descriptor>),
///   INTERVAL '10' SECOND)) GROUP BY <group_by> (printed to stdout).
Script MakeWindowScript(std::string descriptor, std::vector<std::string> group_by) {
  Script script = MakeScript(Ident({"b"}, 4, 22));
  script.statements.resize(2);
  Statement select;
  select.kind = StatementKind::kSelect;
  select.pos = {5, 1};
  SelectStmt stmt;
  stmt.pos = {5, 1};
  stmt.items = {SelectItem{Ident({"c"}, 5, 8), "", {5, 8}},
                SelectItem{Ident({"window_end"}, 5, 11), "we", {5, 11}},
                SelectItem{CountStar(), "n", {5, 30}}};
  TableRef tvf;
  tvf.kind = TableRefKind::kWindowTvf;
  tvf.pos = {6, 6};
  tvf.tvf_function = "TUMBLE";
  auto input = std::make_shared<TableRef>();
  input->name = "t";
  tvf.tvf_input = input;
  tvf.tvf_descriptor = std::move(descriptor);
  tvf.tvf_descriptor_pos = {6, 40};
  tvf.tvf_args = {Interval("10", "SECOND")};
  stmt.from = tvf;
  for (size_t i = 0; i < group_by.size(); ++i) {
    stmt.group_by.push_back(Ident({group_by[i]}, 7, 10 + static_cast<int>(i) * 14));
  }
  select.select = std::make_shared<Query>();
  select.select->branches.push_back(std::move(stmt));
  script.statements.push_back(std::move(select));
  return script;
}

TEST(PlannerAstTest, TumbleWindowAggregate) {
  testing::TestFunctionResolver functions;
  auto plan =
      PlanScript(MakeWindowScript("ts", {"c", "window_start", "window_end"}), functions, {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode& sink = *plan->jobs[0];
  EXPECT_EQ(sink.sink_name, "stdout");
  EXPECT_EQ(sink.schema->ToString(), "c STRING, we TIMESTAMP(3) NOT NULL, n BIGINT NOT NULL");
  const PlanNode& project = *sink.inputs[0];
  const PlanNode& agg = *project.inputs[0];
  ASSERT_EQ(agg.kind, PlanKind::kWindowAggregate);
  EXPECT_EQ(agg.schema->ToString(),
            "c STRING, window_start TIMESTAMP(3) NOT NULL, window_end TIMESTAMP(3) NOT NULL, "
            "window_time TIMESTAMP(3) NOT NULL, $agg0 BIGINT NOT NULL");
  EXPECT_EQ(agg.rowtime_column, std::optional<size_t>(3));
  EXPECT_EQ(agg.window.size_ms, 10000);
  EXPECT_EQ(agg.window.step_ms, 10000);
  // The scan reads ts (rowtime) and c (the key) only; c is output 1 after ts.
  const PlanNode& scan = *agg.inputs[0];
  EXPECT_EQ(scan.scan.decoded_columns, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(scan.schema->ToString(), "ts TIMESTAMP(3), c STRING");
  EXPECT_EQ(agg.window.time_column, 0u);
  ASSERT_EQ(agg.group_keys.size(), 1u);
  EXPECT_EQ(agg.group_keys[0]->column, 1u);
  EXPECT_EQ(plan->ToString(),
            "== Job 1: INSERT INTO stdout ==\n"
            "Sink[stdout, connector=print]\n"
            "  Project[c, window_end AS we, $agg0 AS n]\n"
            "    WindowAggregate[TUMBLE(ts, size=10 s), keys=[c], aggs=[COUNT(*)]]\n"
            "      Scan[t, connector=datagen, read=[ts, c], watermark=ts]\n");
}

TEST(PlannerAstTest, WindowGroupByWithoutWindowEnd) {
  testing::TestFunctionResolver functions;
  auto plan = PlanScript(MakeWindowScript("ts", {"c", "window_start"}), functions, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "ast.sql:7:10: GROUP BY over window TVF TUMBLE must include both window_start and "
            "window_end");
}

TEST(PlannerAstTest, DescriptorMustBeTheRowtime) {
  testing::TestFunctionResolver functions;
  auto plan = PlanScript(MakeWindowScript("c", {"window_start", "window_end"}), functions, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "ast.sql:6:40: DESCRIPTOR(c) must name the event-time attribute of t, which is 'ts'");
}

TEST(PlannerAstTest, NonGroupedColumnInWindowAggregate) {
  testing::TestFunctionResolver functions;
  auto plan = PlanScript(MakeWindowScript("ts", {"window_start", "window_end"}), functions, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "ast.sql:5:8: column 'c' is neither grouped nor aggregated; add it to GROUP BY or use "
            "it inside an aggregate function");
}

}  // namespace
}  // namespace sluice::sql
