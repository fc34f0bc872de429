#include "sql/planner.h"

#include <gtest/gtest.h>

#include "sql/parser.h"
#include "sql/tests/test_function_resolver.h"

namespace sluice::sql {
namespace {

// Stored columns: order_id 0, user_id 1, symbol 2, order_type 3, quantity 4, price 5,
// source_ts 6; total_amount (computed) is column 7 of the full row.
constexpr const char* kOrders = R"(CREATE TABLE orders (
  order_id BIGINT, user_id BIGINT, symbol STRING, order_type STRING,
  quantity INT, price DOUBLE, source_ts TIMESTAMP(3),
  total_amount AS quantity * price,
  WATERMARK FOR source_ts AS source_ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = '/tmp/in', 'format' = 'json');
)";

Result<PipelinePlan> Plan(const std::string& sql,
                          const std::map<std::string, std::string>& overrides = {}) {
  static const testing::TestFunctionResolver kFunctions;
  ASSIGN_OR_RETURN(Script script, ParseScript(sql, "q.sql"));
  return PlanScript(script, kFunctions, overrides);
}

std::vector<std::string> Names(const Schema& s) {
  std::vector<std::string> names;
  for (const auto& f : s.fields()) names.push_back(f.name);
  return names;
}

std::string PlanError(const std::string& sql) {
  auto plan = Plan(sql);
  if (plan.ok()) return "planned without error";
  EXPECT_EQ(plan.status().code(), StatusCode::kPlanError) << plan.status().ToString();
  return plan.status().message();
}

TEST(PlannerTest, FilterAndProjectPushIntoScan) {
  auto plan =
      Plan(std::string(kOrders) +
           "CREATE TABLE results (symbol STRING, amount DOUBLE) WITH ('connector' = 'print');\n"
           "INSERT INTO results SELECT symbol, total_amount FROM orders WHERE price > 10;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->jobs.size(), 1u);
  const PlanNode& sink = *plan->jobs[0];
  EXPECT_EQ(sink.kind, PlanKind::kSink);
  EXPECT_EQ(sink.sink_name, "results");
  const PlanNode& project = *sink.inputs[0];
  ASSERT_EQ(project.kind, PlanKind::kProject);
  EXPECT_EQ(Names(*project.schema), (std::vector<std::string>{"symbol", "amount"}));
  const PlanNode& scan = *project.inputs[0];
  ASSERT_EQ(scan.kind, PlanKind::kScan);
  // symbol, quantity and price (for total_amount and the filter), source_ts (rowtime).
  EXPECT_EQ(scan.scan.decoded_columns, (std::vector<size_t>{2, 4, 5, 6}));
  EXPECT_EQ(Names(*scan.schema),
            (std::vector<std::string>{"symbol", "price", "source_ts", "total_amount"}));
  EXPECT_EQ(scan.rowtime_column, std::optional<size_t>(2));
  EXPECT_EQ(scan.scan.rowtime_column, std::optional<size_t>(2));
  ASSERT_NE(scan.scan.filter, nullptr);
  EXPECT_EQ(scan.scan.outputs[3]->ToString(), "($1 * $2)");  // quantity * price, decoded
  EXPECT_EQ(plan->ToString(),
            "== Job 1: INSERT INTO results ==\n"
            "Sink[results, connector=print]\n"
            "  Project[symbol, total_amount AS amount]\n"
            "    Scan[orders, connector=filesystem, read=[symbol, quantity, price, source_ts], "
            "watermark=(source_ts - INTERVAL '2000' MILLISECOND), filter=(price > 10)]\n");
}

TEST(PlannerTest, TumbleWindowAggregate) {
  auto plan = Plan(std::string(kOrders) +
                   "CREATE TABLE agg (symbol STRING, ws TIMESTAMP(3), we TIMESTAMP(3), cnt BIGINT,"
                   " buys BIGINT, total DOUBLE) WITH ('connector' = 'print');\n"
                   "INSERT INTO agg SELECT symbol, window_start, window_end, COUNT(*),\n"
                   "  COUNT(*) FILTER (WHERE order_type = 'BUY'), SUM(total_amount)\n"
                   "FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(source_ts), INTERVAL '5' MINUTE))\n"
                   "GROUP BY symbol, window_start, window_end;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode& project = *plan->jobs[0]->inputs[0];
  ASSERT_EQ(project.kind, PlanKind::kProject);
  EXPECT_EQ(Names(*project.schema),
            (std::vector<std::string>{"symbol", "ws", "we", "cnt", "buys", "total"}));
  const PlanNode& agg = *project.inputs[0];
  ASSERT_EQ(agg.kind, PlanKind::kWindowAggregate);
  EXPECT_FALSE(agg.changelog);
  EXPECT_EQ(agg.window.kind, WindowKind::kTumble);
  EXPECT_EQ(agg.window.size_ms, 300000);
  EXPECT_EQ(agg.window.step_ms, 300000);
  EXPECT_EQ(agg.window.offset_ms, 0);
  // keys, window_start, window_end, window_time, aggregates.
  EXPECT_EQ(agg.schema->ToString(),
            "symbol STRING, window_start TIMESTAMP(3) NOT NULL, window_end TIMESTAMP(3) NOT NULL, "
            "window_time TIMESTAMP(3) NOT NULL, $agg0 BIGINT NOT NULL, $agg1 BIGINT NOT NULL, "
            "$agg2 DOUBLE");
  EXPECT_EQ(agg.rowtime_column, std::optional<size_t>(3));
  ASSERT_EQ(agg.aggregates.size(), 3u);
  const PlanNode& scan = *agg.inputs[0];
  ASSERT_EQ(scan.kind, PlanKind::kScan);
  EXPECT_EQ(scan.scan.decoded_columns, (std::vector<size_t>{2, 3, 4, 5, 6}));
  EXPECT_EQ(Names(*scan.schema),
            (std::vector<std::string>{"symbol", "order_type", "source_ts", "total_amount"}));
  EXPECT_EQ(agg.window.time_column, 2u);
  std::vector<std::string> in = Names(*scan.schema);
  EXPECT_EQ(agg.aggregates[1].ToString(&in), "COUNT(*) FILTER (WHERE (order_type = 'BUY'))");
  EXPECT_EQ(agg.aggregates[2].ToString(&in), "SUM(total_amount)");
  // The project passes window_end etc. through by position: symbol, ws, we, cnt, buys, total.
  std::vector<std::string> agg_names = Names(*agg.schema);
  EXPECT_EQ(project.exprs[1]->ToString(&agg_names), "window_start");
  EXPECT_EQ(project.exprs[5]->ToString(&agg_names), "$agg2");
}

std::string ErrorAfterOrders(const std::string& sql) {
  return PlanError(std::string(kOrders) + sql);
}

TEST(PlannerTest, LiteralTypes) {
  auto plan = Plan(std::string(kOrders) +
                   "SELECT 1, 3000000000, 1.5, 1e3, 'x', TIMESTAMP '2024-01-01 00:00:00',\n"
                   "  INTERVAL '5' MINUTE, -2 FROM orders;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode& sink = *plan->jobs[0];
  EXPECT_EQ(sink.sink_table, nullptr);
  EXPECT_EQ(sink.sink_name, "stdout");
  EXPECT_EQ(sink.schema->ToString(),
            "EXPR$0 INT NOT NULL, EXPR$1 BIGINT NOT NULL, EXPR$2 DECIMAL(2, 1) NOT NULL, "
            "EXPR$3 DOUBLE NOT NULL, EXPR$4 STRING NOT NULL, EXPR$5 TIMESTAMP(3) NOT NULL, "
            "EXPR$6 INTERVAL DAY TO SECOND NOT NULL, EXPR$7 INT NOT NULL");
  const PlanNode& project = *sink.inputs[0];
  EXPECT_EQ(project.exprs[6]->literal.as_int(), 300000);
  EXPECT_EQ(project.exprs[2]->literal.as_int(), 15);
  EXPECT_EQ(project.exprs[7]->literal.as_int(), -2);
  // Nothing reads the table's columns but the watermark: only source_ts is decoded.
  const PlanNode& scan = *project.inputs[0];
  EXPECT_EQ(scan.scan.decoded_columns, (std::vector<size_t>{6}));
}

TEST(PlannerTest, BetweenCaseAndConcat) {
  auto plan = Plan(std::string(kOrders) +
                   "SELECT CASE WHEN price > 10 THEN 'hi' END AS c, symbol || order_type AS s\n"
                   "FROM orders WHERE price BETWEEN 1 AND 2;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode& project = *plan->jobs[0]->inputs[0];
  const PlanNode& scan = *project.inputs[0];
  std::vector<std::string> names = Names(*scan.schema);
  EXPECT_EQ(scan.scan.filter->ToString(&names), "((price >= 1) AND (price <= 2))");
  EXPECT_EQ(project.exprs[0]->ToString(&names), "CASE((price > 10), 'hi', NULL)");
  EXPECT_EQ(project.exprs[1]->ToString(&names), "CONCAT(symbol, order_type)");
  EXPECT_EQ(project.schema->ToString(), "c STRING, s STRING");
}

TEST(PlannerTest, ImplicitWideningOnInsert) {
  auto plan =
      Plan(std::string(kOrders) +
           "CREATE TABLE results (symbol STRING, amount DOUBLE) WITH ('connector' = 'print');\n"
           "INSERT INTO results SELECT symbol, quantity FROM orders;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode& project = *plan->jobs[0]->inputs[0];
  ASSERT_EQ(project.kind, PlanKind::kProject);
  std::vector<std::string> in = Names(*project.inputs[0]->schema);
  EXPECT_EQ(project.exprs[1]->ToString(&in), "CAST(quantity AS DOUBLE)");
  EXPECT_EQ(project.schema->ToString(), "symbol STRING, amount DOUBLE");
}

TEST(PlannerTest, HopAndCumulateWindows) {
  auto hop =
      Plan(std::string(kOrders) +
           "SELECT window_start, COUNT(*) FROM TABLE(HOP(TABLE orders, DESCRIPTOR(source_ts),"
           " INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)) GROUP BY window_start, window_end;\n");
  ASSERT_TRUE(hop.ok()) << hop.status().ToString();
  const PlanNode& agg = *hop->jobs[0]->inputs[0]->inputs[0];
  ASSERT_EQ(agg.kind, PlanKind::kWindowAggregate);
  EXPECT_EQ(agg.window.kind, WindowKind::kHop);
  EXPECT_EQ(agg.window.step_ms, 60000);
  EXPECT_EQ(agg.window.size_ms, 300000);
  EXPECT_TRUE(agg.group_keys.empty());
  auto cumulate = Plan(std::string(kOrders) +
                       "SELECT window_end, SUM(price) FROM TABLE(CUMULATE(TABLE orders, "
                       "DESCRIPTOR(source_ts), INTERVAL '10' SECOND, INTERVAL '1' MINUTE))\n"
                       "GROUP BY window_start, window_end;\n");
  ASSERT_TRUE(cumulate.ok()) << cumulate.status().ToString();
  const PlanNode& cagg = *cumulate->jobs[0]->inputs[0]->inputs[0];
  EXPECT_EQ(cagg.window.kind, WindowKind::kCumulate);
  EXPECT_EQ(cagg.window.step_ms, 10000);
  EXPECT_EQ(cagg.window.size_ms, 60000);
}

TEST(PlannerTest, WindowOverViewKeepsRowtime) {
  auto plan =
      Plan(std::string(kOrders) +
           "CREATE VIEW big AS SELECT symbol, source_ts AS ts FROM orders WHERE price > 100;\n"
           "SELECT symbol, window_start, COUNT(*) AS n\n"
           "FROM TABLE(TUMBLE(TABLE big, DESCRIPTOR(ts), INTERVAL '1' MINUTE))\n"
           "GROUP BY symbol, window_start, window_end;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode& agg = *plan->jobs[0]->inputs[0]->inputs[0];
  ASSERT_EQ(agg.kind, PlanKind::kWindowAggregate);
  const PlanNode& view = *agg.inputs[0];
  ASSERT_EQ(view.kind, PlanKind::kProject);
  EXPECT_EQ(view.schema->ToString(), "symbol STRING, ts TIMESTAMP(3)");
  EXPECT_EQ(view.rowtime_column, std::optional<size_t>(1));
  EXPECT_EQ(agg.window.time_column, 1u);
  const PlanNode& scan = *view.inputs[0];
  ASSERT_EQ(scan.kind, PlanKind::kScan);
  EXPECT_EQ(scan.scan.decoded_columns, (std::vector<size_t>{2, 5, 6}));
  EXPECT_NE(scan.scan.filter, nullptr);
}

TEST(PlannerTest, GroupAggregateWithHavingIsAChangelog) {
  auto plan =
      Plan(std::string(kOrders) +
           "CREATE TABLE results (symbol STRING, s DOUBLE) WITH ('connector' = 'print');\n"
           "INSERT INTO results SELECT symbol, SUM(price) AS s FROM orders GROUP BY symbol\n"
           "HAVING COUNT(*) > 2;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode& sink = *plan->jobs[0];
  EXPECT_TRUE(sink.changelog);
  const PlanNode& project = *sink.inputs[0];
  const PlanNode& filter = *project.inputs[0];
  ASSERT_EQ(filter.kind, PlanKind::kFilter);
  const PlanNode& agg = *filter.inputs[0];
  ASSERT_EQ(agg.kind, PlanKind::kGroupAggregate);
  EXPECT_TRUE(agg.changelog);
  EXPECT_EQ(agg.schema->ToString(), "symbol STRING, $agg0 DOUBLE, $agg1 BIGINT NOT NULL");
  std::vector<std::string> names = Names(*agg.schema);
  EXPECT_EQ(filter.predicate->ToString(&names), "($agg1 > 2)");
  EXPECT_EQ(agg.inputs[0]->scan.decoded_columns, (std::vector<size_t>{2, 5, 6}));
}

TEST(PlannerTest, SelectDistinctIsAGroupAggregate) {
  auto plan = Plan(std::string(kOrders) + "SELECT DISTINCT symbol FROM orders;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode& agg = *plan->jobs[0]->inputs[0];
  ASSERT_EQ(agg.kind, PlanKind::kGroupAggregate);
  EXPECT_EQ(agg.group_keys.size(), 1u);
  EXPECT_TRUE(agg.aggregates.empty());
  EXPECT_TRUE(plan->jobs[0]->changelog);
}

TEST(PlannerTest, UnionAllWidensToTheCommonType) {
  auto plan = Plan(std::string(kOrders) +
                   "SELECT quantity AS q FROM orders UNION ALL SELECT order_id FROM orders;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode& u = *plan->jobs[0]->inputs[0];
  ASSERT_EQ(u.kind, PlanKind::kUnion);
  EXPECT_EQ(u.schema->ToString(), "q BIGINT");
  ASSERT_EQ(u.inputs.size(), 2u);
  std::vector<std::string> in = Names(*u.inputs[0]->inputs[0]->schema);
  EXPECT_EQ(u.inputs[0]->exprs[0]->ToString(&in), "CAST(quantity AS BIGINT)");
}

TEST(PlannerTest, ExplainAndSettings) {
  auto plan = Plan("SET 'pipeline.name' = 'a';\n" + std::string(kOrders) +
                       "EXPLAIN SELECT symbol FROM orders;\n",
                   {{"state.dir", "/tmp/s"}});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(plan->explain_only);
  EXPECT_EQ(plan->jobs.size(), 1u);
  EXPECT_EQ(plan->settings.at("pipeline.name"), "a");
  EXPECT_EQ(plan->settings.at("state.dir"), "/tmp/s");
  EXPECT_EQ(plan->tables.count("orders"), 1u);
}

TEST(PlannerTest, OptionsAreSubstitutedFromTheEnvironment) {
  setenv("SLUICE_PLANNER_TEST_PATH", "/data/x", 1);
  auto plan = Plan(
      "CREATE TABLE t (a INT) WITH ('connector' = 'filesystem',\n"
      "  'path' = '${SLUICE_PLANNER_TEST_PATH:-/nope}', 'format' = "
      "'${SLUICE_PLANNER_UNSET:-csv}');\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const CatalogTable& t = *plan->tables.at("t");
  EXPECT_EQ(t.option("path"), "/data/x");
  EXPECT_EQ(t.option("format"), "csv");
}

TEST(PlannerTest, UnknownColumnSuggestsAName) {
  EXPECT_EQ(ErrorAfterOrders("SELECT prce FROM orders;\n"),
            "q.sql:7:8: unknown column 'prce'; did you mean 'price'?");
}

TEST(PlannerTest, UnknownTableSuggestsAName) {
  EXPECT_EQ(ErrorAfterOrders("SELECT * FROM ordres;\n"),
            "q.sql:7:15: unknown table 'ordres'; did you mean 'orders'?");
}

TEST(PlannerTest, NonAggregatedColumn) {
  EXPECT_EQ(ErrorAfterOrders("SELECT symbol, COUNT(*) FROM orders GROUP BY order_type;\n"),
            "q.sql:7:8: column 'symbol' is neither grouped nor aggregated; add it to GROUP BY "
            "or use it inside an aggregate function");
}

TEST(PlannerTest, WindowGroupByNeedsStartAndEnd) {
  EXPECT_EQ(ErrorAfterOrders(
                "SELECT symbol, COUNT(*)\n"
                "FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(source_ts), INTERVAL '1' MINUTE))\n"
                "GROUP BY symbol, window_start;\n"),
            "q.sql:9:10: GROUP BY over window TVF TUMBLE must include both window_start and "
            "window_end");
}

TEST(PlannerTest, HopSizeMustBeAMultipleOfTheSlide) {
  EXPECT_EQ(
      ErrorAfterOrders(
          "SELECT COUNT(*) FROM TABLE(HOP(TABLE orders, DESCRIPTOR(source_ts),\n"
          "  INTERVAL '2' MINUTE, INTERVAL '5' MINUTE)) GROUP BY window_start, window_end;\n"),
      "q.sql:8:24: the HOP size must be a whole multiple of its slide");
}

TEST(PlannerTest, ChangelogIntoAppendOnlySink) {
  EXPECT_EQ(
      ErrorAfterOrders("CREATE TABLE fs_out (symbol STRING, cnt BIGINT)\n"
                       "  WITH ('connector' = 'filesystem', 'path' = '/tmp/o');\n"
                       "INSERT INTO fs_out SELECT symbol, COUNT(*) FROM orders GROUP BY symbol;\n"),
      "q.sql:9:1: the query produces updates, but sink 'fs_out' (connector 'filesystem') "
      "accepts only inserts");
}

constexpr const char* kWindowCounts =
    "SELECT symbol, window_start, COUNT(*)\n"
    "FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(source_ts), INTERVAL '5' MINUTE))\n"
    "GROUP BY symbol, window_start, window_end;\n";

// With an allowed lateness, late rows update emitted window results: the window aggregate is a
// changelog, which an append-only sink cannot take.
TEST(PlannerTest, AllowedLatenessWindowIntoAppendOnlySink) {
  const std::string error =
      "q.sql:10:1: the query produces updates, but sink 'fs_out' (connector 'filesystem') "
      "accepts only inserts";
  EXPECT_EQ(ErrorAfterOrders("SET 'table.exec.emit.allow-lateness' = '5 s';\n"
                             "CREATE TABLE fs_out (symbol STRING, ws TIMESTAMP(3), cnt BIGINT)\n"
                             "  WITH ('connector' = 'filesystem', 'path' = '/tmp/o');\n"
                             "INSERT INTO fs_out " +
                             std::string(kWindowCounts)),
            error);
  // A SET anywhere in the file applies to the whole pipeline, also to earlier INSERTs.
  EXPECT_EQ(ErrorAfterOrders("\n"
                             "CREATE TABLE fs_out (symbol STRING, ws TIMESTAMP(3), cnt BIGINT)\n"
                             "  WITH ('connector' = 'filesystem', 'path' = '/tmp/o');\n"
                             "INSERT INTO fs_out " +
                             std::string(kWindowCounts) +
                             "SET 'table.exec.emit.allow-lateness' = '1 min';\n"),
            error);
}

TEST(PlannerTest, AllowedLatenessMakesTheWindowAggregateAChangelog) {
  const std::string print_sink =
      "CREATE TABLE win_out (symbol STRING, ws TIMESTAMP(3), cnt BIGINT) WITH ('connector' = "
      "'print');\n"
      "INSERT INTO win_out " +
      std::string(kWindowCounts);
  const std::string file_sink =
      "CREATE TABLE win_out (symbol STRING, ws TIMESTAMP(3), cnt BIGINT) WITH ('connector' = "
      "'filesystem', 'path' = 'out.json', 'format' = 'json');\n"
      "INSERT INTO win_out " +
      std::string(kWindowCounts);
  auto late =
      Plan(std::string(kOrders) + "SET 'table.exec.emit.allow-lateness' = '5 s';\n" + print_sink);
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  const PlanNode& sink = *late->jobs[0];
  EXPECT_TRUE(sink.changelog);
  const PlanNode* node = &sink;
  while (node->kind != PlanKind::kWindowAggregate && !node->inputs.empty()) {
    node = node->inputs[0].get();
  }
  ASSERT_EQ(node->kind, PlanKind::kWindowAggregate);
  EXPECT_TRUE(node->changelog);
  // Zero lateness (or none set) keeps the window insert-only.
  auto zero =
      Plan(std::string(kOrders) + "SET 'table.exec.emit.allow-lateness' = '0 s';\n" + file_sink);
  ASSERT_TRUE(zero.ok()) << zero.status().ToString();
  EXPECT_FALSE(zero->jobs[0]->changelog);
  auto none = Plan(std::string(kOrders) + file_sink);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->jobs[0]->changelog);
  // An override wins over the file's SET, both ways.
  auto overridden_off =
      Plan(std::string(kOrders) + "SET 'table.exec.emit.allow-lateness' = '5 s';\n" + file_sink,
           {{"table.exec.emit.allow-lateness", "0"}});
  ASSERT_TRUE(overridden_off.ok()) << overridden_off.status().ToString();
  auto overridden_on =
      Plan(std::string(kOrders) + file_sink, {{"table.exec.emit.allow-lateness", "2 s"}});
  ASSERT_FALSE(overridden_on.ok());
  EXPECT_NE(overridden_on.status().message().find("accepts only inserts"), std::string::npos)
      << overridden_on.status().ToString();
  // blackhole takes the changelog, as Flink's does.
  std::string blackhole_sink = file_sink;
  blackhole_sink.replace(
      blackhole_sink.find("'filesystem', 'path' = 'out.json', 'format' = 'json'"),
      std::string("'filesystem', 'path' = 'out.json', 'format' = 'json'").size(), "'blackhole'");
  auto blackhole =
      Plan(std::string(kOrders) + blackhole_sink, {{"table.exec.emit.allow-lateness", "2 s"}});
  ASSERT_TRUE(blackhole.ok()) << blackhole.status().ToString();
  EXPECT_TRUE(blackhole->jobs[0]->changelog);
}

TEST(PlannerTest, AllowedLatenessMustBeADuration) {
  const std::string error =
      ErrorAfterOrders("SET 'table.exec.emit.allow-lateness' = 'soon';\nSELECT 1;\n");
  EXPECT_EQ(error.rfind("q.sql:7:1: SET 'table.exec.emit.allow-lateness' = 'soon': ", 0), 0u)
      << error;
}

TEST(PlannerTest, InsertColumnCountMismatch) {
  EXPECT_EQ(
      ErrorAfterOrders(
          "CREATE TABLE results (symbol STRING, amount DOUBLE) WITH ('connector' = 'print');\n"
          "INSERT INTO results SELECT symbol FROM orders;\n"),
      "q.sql:8:1: the query has 1 columns (symbol STRING), but sink 'results' has 2 "
      "(symbol STRING, amount DOUBLE)");
}

TEST(PlannerTest, DuplicateTableAndColumn) {
  EXPECT_EQ(ErrorAfterOrders(kOrders), "q.sql:7:1: 'orders' is already declared at 1:1");
  EXPECT_EQ(ErrorAfterOrders("CREATE TABLE t (a INT, a BIGINT) WITH ('connector' = 'datagen');\n"),
            "q.sql:7:24: column 'a' is declared twice in t");
}

TEST(PlannerTest, UnknownFunctionAndOperandTypes) {
  EXPECT_EQ(ErrorAfterOrders("SELECT FOO(price) FROM orders;\n"),
            "q.sql:7:8: FOO(DOUBLE): unknown function 'FOO'");
  EXPECT_EQ(ErrorAfterOrders("SELECT symbol + 1 FROM orders;\n"),
            "q.sql:7:15: +(STRING, INT): '+' expects numeric operands");
}

TEST(PlannerTest, WhereMustBeBoolean) {
  EXPECT_EQ(ErrorAfterOrders("SELECT symbol FROM orders WHERE price;\n"),
            "q.sql:7:33: WHERE must be a BOOLEAN condition, not DOUBLE");
}

TEST(PlannerTest, AggregateInWhere) {
  EXPECT_EQ(ErrorAfterOrders("SELECT symbol FROM orders WHERE COUNT(*) > 1;\n"),
            "q.sql:7:33: aggregate function COUNT is not allowed in WHERE");
}

TEST(PlannerTest, WindowTvfRowsWithoutAggregation) {
  // As in Flink, the window TVF's rows themselves: the input's columns then window_start,
  // window_end and window_time, which is the rowtime attribute (source_ts no longer is).
  auto plan = Plan(std::string(kOrders) +
                   "SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(source_ts), "
                   "INTERVAL '1' MINUTE));\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode& table = *plan->jobs[0]->inputs[0];
  ASSERT_EQ(table.kind, PlanKind::kWindowTable);
  EXPECT_EQ(table.schema->size(), 11u);
  EXPECT_EQ(table.schema->field(8).name, "window_start");
  EXPECT_EQ(table.rowtime_column, std::optional<size_t>(10));
  EXPECT_EQ(table.window.size_ms, 60000);
}

}  // namespace
}  // namespace sluice::sql

namespace sluice::sql {
namespace {

TEST(PlannerTest, ViewColumnNamesAndCountCheck) {
  auto plan = Plan(std::string(kOrders) +
                   "CREATE VIEW v (s, p) AS SELECT symbol, price FROM orders;\n"
                   "SELECT p FROM v WHERE s = 'A';\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->jobs[0]->schema->ToString(), "p DOUBLE");
  EXPECT_EQ(ErrorAfterOrders("CREATE VIEW v (s) AS SELECT symbol, price FROM orders;\n"),
            "q.sql:7:1: view 'v' names 1 columns, but its query has 2");
}

}  // namespace
}  // namespace sluice::sql
