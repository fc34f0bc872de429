// What an operator reads: `sluice run` logs the plan summary, every table's connector and
// endpoint and every sink's delivery guarantee at start-up (text format, level filter); `sluice
// check` names an unknown connector option with file:line:col and a "did you mean" hint; ${VAR}
// and --set reach the options.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cli/tests/subprocess.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

TEST(LogStartupTest, RunLogsPlanEndpointsAndGuarantees) {
  sluice::testing::TempDir dir;
  const std::string sql = dir.Write(
      "p.sql",
      "SET 'pipeline.name' = 'startup';\n"
      "CREATE TABLE g (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');\n"
      "CREATE TABLE f (n BIGINT) WITH ('connector' = 'filesystem', 'path' = '${OUT}',\n"
      "  'format' = 'json');\n"
      "INSERT INTO f SELECT n FROM g;\n");
  const std::string out_path = dir.path() + "/out.json";
  auto run = Subprocess::Run({kSluice, "run", sql, "--set", "execution.epoch-interval=300 ms"},
                             {{"OUT", out_path}}, seconds(60));
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->exit_code, 0) << run->stderr_text;
  const std::string& err = run->stderr_text;
  EXPECT_NE(err.find("INFO  pipeline plan pipeline=startup tables=2 jobs=1 epoch_interval_ms=300"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("table f connector=filesystem endpoint=" + out_path), std::string::npos)
      << err;
  EXPECT_NE(err.find("table g connector=datagen"), std::string::npos) << err;
  // The sink's line states its delivery guarantee.
  EXPECT_NE(err.find("filesystem " + out_path + " (json), at-least-once"), std::string::npos)
      << err;

  auto quiet = Subprocess::Run(
      {kSluice, "run", sql, "--log-level", "warn", "--set", "state.start-fresh=true"},
      {{"OUT", dir.path() + "/out2.json"}}, seconds(60));
  ASSERT_TRUE(quiet.ok());
  EXPECT_EQ(quiet->exit_code, 0) << quiet->stderr_text;
  EXPECT_EQ(quiet->stderr_text.find("INFO"), std::string::npos) << quiet->stderr_text;
}

TEST(LogStartupTest, CheckNamesAnUnknownOptionWithItsLineAndAHint) {
  sluice::testing::TempDir dir;
  const std::string sql = dir.Write(
      "p.sql",
      "CREATE TABLE g (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');\n"
      "\n"
      "CREATE TABLE c (n BIGINT) WITH ('connector' = 'clickhouse', 'table-name' = 't',\n"
      "  'sink.max-retires' = '3');\n"
      "INSERT INTO c SELECT n FROM g;\n");
  auto check = Subprocess::Run({kSluice, "check", sql}, {}, seconds(60));
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->exit_code, 2) << check->stderr_text;
  EXPECT_NE(check->stderr_text.find(sql + ":3:"), std::string::npos) << check->stderr_text;
  EXPECT_NE(check->stderr_text.find("'sink.max-retires'"), std::string::npos);
  EXPECT_NE(check->stderr_text.find("did you mean 'sink.max-retries'?"), std::string::npos)
      << check->stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
