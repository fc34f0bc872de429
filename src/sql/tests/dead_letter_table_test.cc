// The plan-time check of 'pipeline.dead-letter': the named table must be declared and its columns
// must be the fixed dead-letter schema; errors point at the SET or the CREATE TABLE.

#include "sql/dead_letter_table.h"

#include <gtest/gtest.h>

#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/tests/test_function_resolver.h"

namespace sluice::sql {
namespace {

constexpr const char* kSource =
    "CREATE TABLE events (k STRING, v INT)\n"
    "WITH ('connector' = 'filesystem', 'path' = '/tmp/in', 'format' = 'json');\n"
    "CREATE TABLE results (k STRING, v INT) WITH ('connector' = 'print');\n"
    "INSERT INTO results SELECT k, v FROM events;\n";

Result<PipelinePlan> Plan(const std::string& sql,
                          const std::map<std::string, std::string>& overrides = {}) {
  static const testing::TestFunctionResolver kFunctions;
  ASSIGN_OR_RETURN(Script script, ParseScript(sql, "q.sql"));
  return PlanScript(script, kFunctions, overrides);
}

std::string DeadLetterDdl(const std::string& columns) {
  return "CREATE TABLE dlq (" + columns + ") WITH ('connector' = 'print');\n";
}

constexpr const char* kGoodColumns =
    "source STRING, location STRING, error_class STRING, message STRING, raw STRING, "
    "event_time TIMESTAMP(3)";

TEST(DeadLetterTableTest, FixedSchemaIsAccepted) {
  auto plan = Plan(std::string(kSource) + DeadLetterDdl(kGoodColumns) +
                   "SET 'pipeline.dead-letter' = 'dlq';\n");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->settings.at("pipeline.dead-letter"), "dlq");
  EXPECT_EQ(DeadLetterTable::Schema()->ToString(),
            "source STRING, location STRING, error_class STRING, message STRING, raw STRING, "
            "event_time TIMESTAMP(3)");
}

TEST(DeadLetterTableTest, NoSettingNoCheck) {
  // A table with the wrong columns is fine when it is not the dead-letter table.
  auto plan = Plan(std::string(kSource) + DeadLetterDdl("x INT"));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
}

TEST(DeadLetterTableTest, WrongColumnTypeIsRefusedAtTheCreateTable) {
  // Line 5: the dead-letter CREATE TABLE follows the four lines of kSource.
  auto plan = Plan(std::string(kSource) +
                   DeadLetterDdl("source STRING, location STRING, error_class STRING, "
                                 "message STRING, raw STRING, event_time BIGINT") +
                   "SET 'pipeline.dead-letter' = 'dlq';\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kPlanError);
  EXPECT_EQ(plan.status().message().rfind("q.sql:5:", 0), 0u) << plan.status().message();
  EXPECT_NE(plan.status().message().find(
                "column 6 is 'event_time BIGINT', expected 'event_time TIMESTAMP(3)'"),
            std::string::npos)
      << plan.status().message();
}

TEST(DeadLetterTableTest, WrongNameMissingAndExtraColumnsAreNamed) {
  auto renamed = Plan(
      std::string(kSource) + DeadLetterDdl("source STRING, loc STRING, error_class STRING, "
                                           "message STRING, raw STRING, event_time TIMESTAMP(3)"),
      {{"pipeline.dead-letter", "dlq"}});
  ASSERT_FALSE(renamed.ok());
  EXPECT_NE(renamed.status().message().find("column 2 is 'loc STRING', expected 'location STRING'"),
            std::string::npos)
      << renamed.status().message();
  auto missing = Plan(std::string(kSource) + DeadLetterDdl("source STRING, location STRING"),
                      {{"pipeline.dead-letter", "dlq"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("has no column 'error_class'"), std::string::npos)
      << missing.status().message();
  auto extra = Plan(std::string(kSource) + DeadLetterDdl(std::string(kGoodColumns) + ", x INT"),
                    {{"pipeline.dead-letter", "dlq"}});
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.status().message().find("has an extra column 'x'"), std::string::npos)
      << extra.status().message();
}

TEST(DeadLetterTableTest, UnknownTableIsRefusedAtTheSet) {
  auto plan = Plan(std::string(kSource) + DeadLetterDdl(kGoodColumns) +
                   "SET 'pipeline.dead-letter' = 'dlqq';\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message().rfind("q.sql:6:", 0), 0u) << plan.status().message();
  EXPECT_NE(plan.status().message().find("no such table; did you mean 'dlq'?"), std::string::npos)
      << plan.status().message();
}

}  // namespace
}  // namespace sluice::sql
