#include <gtest/gtest.h>

#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/tests/test_function_resolver.h"

namespace sluice::sql {
namespace {

// imps(id 0, ad 1, ts 2) and clicks(id 0, ad 1, ts 2), both with a rowtime; plain(ad, ts) none.
constexpr const char* kTables = R"(CREATE TABLE imps (id BIGINT, ad STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '/tmp/i', 'format' = 'json');
CREATE TABLE clicks (id BIGINT, ad STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '/tmp/c', 'format' = 'json');
CREATE TABLE plain (ad STRING, ts TIMESTAMP(3))
  WITH ('connector' = 'filesystem', 'path' = '/tmp/p', 'format' = 'json');
)";

Result<PipelinePlan> Plan(const std::string& query) {
  static const testing::TestFunctionResolver kFunctions;
  ASSIGN_OR_RETURN(Script script, ParseScript(std::string(kTables) + query, "q.sql"));
  return PlanScript(script, kFunctions, {});
}

/// Returns the join node under the job's projection.
const PlanNode* JoinOf(const PipelinePlan& plan) {
  const PlanNode* node = plan.jobs[0].get();
  while (node->kind != PlanKind::kIntervalJoin && node->kind != PlanKind::kWindowJoin) {
    if (node->inputs.empty()) return nullptr;
    node = node->inputs[0].get();
  }
  return node;
}

std::string Error(const std::string& query) {
  auto plan = Plan(query);
  if (plan.ok()) return "planned without error";
  EXPECT_EQ(plan.status().code(), StatusCode::kPlanError);
  return plan.status().message();
}

TEST(PlannerJoinTest, BetweenGivesInclusiveBounds) {
  auto plan = Plan(
      "SELECT i.id, c.id FROM imps i LEFT JOIN clicks c ON i.ad = c.ad AND "
      "c.ts BETWEEN i.ts - INTERVAL '5' SECOND AND i.ts + INTERVAL '10' SECOND;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode* join = JoinOf(*plan);
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(join->kind, PlanKind::kIntervalJoin);
  EXPECT_EQ(join->join.type, JoinType::kLeft);
  EXPECT_EQ(join->join.left_keys, std::vector<size_t>{1});
  EXPECT_EQ(join->join.right_keys, std::vector<size_t>{1});
  EXPECT_EQ(join->join.lower_ms, -5000);
  EXPECT_EQ(join->join.upper_ms, 10000);
  // The left rowtime stays a time attribute; the right side's columns become nullable.
  EXPECT_EQ(join->rowtime_column, std::optional<size_t>(2));
  EXPECT_TRUE(join->schema->field(3).type.nullable);
}

TEST(PlannerJoinTest, StrictComparisonsMoveBoundsInByOneMillisecond) {
  // i.ts > c.ts - 2 s  <=>  c.ts - i.ts < 2 s  <=>  upper 1999 ms;
  // i.ts < c.ts + 1 s  <=>  c.ts - i.ts > -1 s  <=>  lower -999 ms.
  auto plan = Plan(
      "SELECT i.id FROM imps i JOIN clicks c ON i.ts > c.ts - INTERVAL '2' SECOND AND "
      "i.ts < c.ts + INTERVAL '1' SECOND AND c.ad = i.ad;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode* join = JoinOf(*plan);
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(join->join.lower_ms, -999);
  EXPECT_EQ(join->join.upper_ms, 1999);
  EXPECT_EQ(join->join.left_keys, std::vector<size_t>{1});
}

TEST(PlannerJoinTest, WindowJoinOfTwoTumbleTvfs) {
  auto plan = Plan(
      "SELECT L.id, R.id, L.window_start FROM "
      "(SELECT * FROM TABLE(TUMBLE(TABLE imps, DESCRIPTOR(ts), INTERVAL '1' MINUTE))) L "
      "FULL JOIN (SELECT * FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE))) "
      "R "
      "ON L.ad = R.ad AND L.window_start = R.window_start AND L.window_end = R.window_end;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const PlanNode* join = JoinOf(*plan);
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(join->kind, PlanKind::kWindowJoin);
  EXPECT_EQ(join->join.type, JoinType::kFull);
  EXPECT_EQ(join->join.left_window_start, 3u);
  EXPECT_EQ(join->join.left_window_end, 4u);
  EXPECT_EQ(join->join.right_window_end, 4u);
  EXPECT_EQ(join->join.left_keys, std::vector<size_t>{1});
  EXPECT_FALSE(join->rowtime_column.has_value());  // FULL: either side may be NULL
}

TEST(PlannerJoinTest, RegularJoinIsRejectedNamingTheSupportedForms) {
  std::string e = Error("SELECT i.id FROM imps i JOIN clicks c ON i.ad = c.ad;\n");
  EXPECT_EQ(e.rfind("q.sql:7:25: regular joins are not supported", 0), 0u) << e;
  EXPECT_NE(e.find("interval joins"), std::string::npos) << e;
  EXPECT_NE(e.find("window joins"), std::string::npos) << e;
}

TEST(PlannerJoinTest, OneSidedTimeBoundIsNotAnIntervalJoin) {
  std::string e = Error("SELECT i.id FROM imps i JOIN clicks c ON i.ad = c.ad AND c.ts >= i.ts;\n");
  EXPECT_NE(e.find("both a lower and an upper"), std::string::npos) << e;
}

TEST(PlannerJoinTest, OtherConditionsInOnAreRejected) {
  std::string e = Error(
      "SELECT i.id FROM imps i JOIN clicks c ON i.ad = c.ad AND c.id > 3 AND "
      "c.ts BETWEEN i.ts AND i.ts + INTERVAL '1' SECOND;\n");
  EXPECT_NE(e.find("the join condition (id > 3) is not supported"), std::string::npos) << e;
}

TEST(PlannerJoinTest, WindowJoinNeedsTheSameWindow) {
  std::string e = Error(
      "SELECT L.id FROM TABLE(TUMBLE(TABLE imps, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) L "
      "JOIN TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '2' MINUTE)) R "
      "ON L.window_start = R.window_start AND L.window_end = R.window_end;\n");
  EXPECT_NE(e.find("must be the same window TVF"), std::string::npos) << e;
}

TEST(PlannerJoinTest, TimeBoundsNeedRowtimeAttributes) {
  std::string e = Error(
      "SELECT i.id FROM imps i JOIN plain p ON i.ad = p.ad AND "
      "p.ts BETWEEN i.ts AND i.ts + INTERVAL '1' SECOND;\n");
  EXPECT_NE(e.find("the left side's is 'ts', the right side's none (no WATERMARK FOR)"),
            std::string::npos)
      << e;
}

TEST(PlannerJoinTest, KeysOfDifferentTypesAreRefused) {
  // c.id is BIGINT, i.ad STRING: the binder refuses the comparison itself; a DOUBLE against a
  // BIGINT compares, but the stored values (1 and 1.0) would never be equal keys.
  std::string e = Error(
      "SELECT i.id FROM imps i JOIN (SELECT CAST(id AS DOUBLE) AS d, ts FROM clicks) c "
      "ON i.id = c.d AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '1' SECOND;\n");
  EXPECT_NE(e.find("join keys of types BIGINT and DOUBLE cannot be matched"), std::string::npos)
      << e;
}

TEST(PlannerJoinTest, ExplainNamesTheSidesAndTheBounds) {
  auto plan = Plan(
      "SELECT i.id FROM imps i JOIN clicks c ON i.ad = c.ad AND "
      "c.ts BETWEEN i.ts - INTERVAL '5' SECOND AND i.ts + INTERVAL '10' SECOND;\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_NE(
      plan->ToString().find(
          "IntervalJoin[INNER, keys=[left.ad = right.ad], right.ts - left.ts in [-5 s, 10 s]]"),
      std::string::npos)
      << plan->ToString();
}

TEST(PlannerJoinTest, CrossJoinIsAParseError) {
  auto plan = Plan("SELECT i.id FROM imps i CROSS JOIN clicks c;\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kParseError);
}

}  // namespace
}  // namespace sluice::sql
