#include "sql/partial_aggregation.h"

#include <gtest/gtest.h>

#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/tests/test_function_resolver.h"

namespace sluice::sql {
namespace {

constexpr const char* kOrders = R"(CREATE TABLE orders (
  order_id BIGINT, symbol STRING, order_type STRING, price DOUBLE, source_ts TIMESTAMP(3),
  WATERMARK FOR source_ts AS source_ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = '/tmp/in', 'format' = 'json');
)";

std::string Sink(const std::string& columns, const std::string& connector = "clickhouse") {
  return "CREATE TABLE agg (" + columns + ") WITH ('connector' = '" + connector +
         "', 'table-name' = 't', 'sink.aggregation' = 'partial');\n";
}

Result<PipelinePlan> Plan(const std::string& sql) {
  static const testing::TestFunctionResolver kFunctions;
  ASSIGN_OR_RETURN(Script script, ParseScript(std::string(kOrders) + sql, "q.sql"));
  return PlanScript(script, kFunctions, {});
}

std::string Error(const std::string& sql) {
  auto plan = Plan(sql);
  if (plan.ok()) return "planned without error";
  EXPECT_EQ(plan.status().code(), StatusCode::kPlanError) << plan.status().ToString();
  return plan.status().message();
}

constexpr const char* kTumble =
    "FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(source_ts), INTERVAL '1' MINUTE)) "
    "GROUP BY symbol, window_start, window_end;\n";

TEST(PartialAggregationTest, MergesCountSumMinMaxAndKeepsKeys) {
  auto plan = Plan(Sink("symbol STRING, ws TIMESTAMP(3), n BIGINT, buys BIGINT, total DOUBLE, "
                        "lo DOUBLE, hi DOUBLE") +
                   "INSERT INTO agg SELECT symbol, window_start, COUNT(*), COUNT(*) FILTER "
                   "(WHERE order_type = 'BUY'), SUM(price), MIN(price), MAX(price) " +
                   kTumble);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->jobs[0]->partial_merge,
            (std::vector<std::string>{"", "", "sum", "sum", "sum", "min", "max"}));
  EXPECT_NE(plan->ToString().find("partial aggregates"), std::string::npos) << plan->ToString();
}

TEST(PartialAggregationTest, FollowsAnInsertColumnList) {
  auto plan =
      Plan(Sink("hi DOUBLE, symbol STRING, n BIGINT") +
           "INSERT INTO agg (symbol, n, hi) SELECT symbol, COUNT(*), MAX(price) " + kTumble);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->jobs[0]->partial_merge, (std::vector<std::string>{"max", "", "sum"}));
}

TEST(PartialAggregationTest, DefaultSinksHaveNoPartialMerge) {
  auto plan = Plan(
      "CREATE TABLE plain (symbol STRING, n BIGINT) WITH ('connector' = 'clickhouse', "
      "'table-name' = 't');\nINSERT INTO plain SELECT symbol, COUNT(*) " +
      std::string(kTumble));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(plan->jobs[0]->partial_merge.empty());
}

TEST(PartialAggregationTest, RefusesAggregatesThatDoNotMergeAtTheirPosition) {
  const std::string sink = Sink("symbol STRING, v DOUBLE");
  // Line 6 is the INSERT (4 lines of orders, 1 of the sink).
  EXPECT_EQ(Error(sink + "INSERT INTO agg SELECT symbol, AVG(price) " + kTumble),
            "q.sql:6:32: AVG cannot be merged from partial aggregates ('sink.aggregation' = "
            "'partial' on sink 'agg' takes COUNT, SUM, MIN and MAX); write SUM(x) and COUNT(x) "
            "into two columns and read sum(s) / sum(n)");
  EXPECT_EQ(Error(Sink("symbol STRING, v BIGINT") +
                  "INSERT INTO agg SELECT symbol, COUNT(DISTINCT order_id) " + kTumble),
            "q.sql:6:32: COUNT(DISTINCT ...) cannot be merged from partial aggregates "
            "('sink.aggregation' = 'partial' on sink 'agg' takes COUNT, SUM, MIN and MAX)");
}

TEST(PartialAggregationTest, RefusesQueriesThatAreNoMergeableWindowAggregate) {
  EXPECT_NE(Error(Sink("symbol STRING, v DOUBLE") + "INSERT INTO agg SELECT symbol, price FROM "
                                                    "orders;\n")
                .find("q.sql:6:1: 'sink.aggregation' = 'partial' on sink 'agg' needs a window "
                      "aggregation"),
            std::string::npos);
  EXPECT_NE(Error(Sink("symbol STRING, v DOUBLE") +
                  "INSERT INTO agg SELECT symbol, SUM(price) / COUNT(*) " + kTumble)
                .find("an expression over aggregates cannot be merged"),
            std::string::npos);
  EXPECT_NE(Error(Sink("symbol STRING, v BIGINT") +
                  "INSERT INTO agg SELECT symbol, COUNT(*) FROM TABLE(SESSION(TABLE orders "
                  "PARTITION BY symbol, DESCRIPTOR(source_ts), INTERVAL '1' MINUTE)) GROUP BY "
                  "symbol, window_start, window_end;\n")
                .find("SESSION windows cannot be merged"),
            std::string::npos);
  EXPECT_NE(Error(Sink("symbol STRING, v BIGINT", "filesystem") +
                  "INSERT INTO agg SELECT symbol, COUNT(*) " + kTumble)
                .find("needs a 'clickhouse' sink"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice::sql
