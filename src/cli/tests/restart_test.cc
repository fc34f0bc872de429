// Restart strategies of `sluice run` against a sink whose server never comes up (nothing listens
// on its port; 'sink.wait-for-server' gives up after 200 ms with a retryable error): 'none' ends
// the pipeline at once, 'fixed-delay' restarts it its attempts times at the fixed delay,
// 'exponential-delay' doubles the delay; then the run fails with exit code 1 saying why. The
// recovery side (a restart that finds the server back and continues from the state directory)
// is covered by metrics_live_test.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cli/tests/loopback_http.h"
#include "cli/tests/subprocess.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

class RestartTest : public ::testing::Test {
 protected:
  // Runs a pipeline into an unreachable ClickHouse with the given SET lines.
  SubprocessOutput RunWith(const std::string& settings) {
    const std::string sql =
        "SET 'state.dir' = '';\n" + settings +
        "CREATE TABLE g (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10');\n"
        "CREATE TABLE c (n BIGINT) WITH ('connector' = 'clickhouse', 'url' = "
        "'http://127.0.0.1:" +
        std::to_string(FreeLoopbackPort()) +
        "',\n  'table-name' = 't', 'sink.wait-for-server' = '200 ms');\n"
        "INSERT INTO c SELECT n FROM g;\n";
    auto out = Subprocess::Run({kSluice, "run", dir_.Write("p.sql", sql)}, {}, seconds(60));
    EXPECT_TRUE(out.ok());
    return out.ok() ? *out : SubprocessOutput{};
  }

  sluice::testing::TempDir dir_;
};

TEST_F(RestartTest, NoneEndsThePipeline) {
  SubprocessOutput out = RunWith("SET 'restart-strategy' = 'none';\n");
  EXPECT_EQ(out.exit_code, 1) << out.stderr_text;
  EXPECT_EQ(out.stderr_text.find("restart 1"), std::string::npos) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("did not answer within sink.wait-for-server"), std::string::npos);
}

TEST_F(RestartTest, FixedDelayRestartsItsAttemptsTimes) {
  SubprocessOutput out = RunWith(
      "SET 'restart-strategy' = 'fixed-delay';\n"
      "SET 'restart-strategy.fixed-delay.attempts' = '2';\n"
      "SET 'restart-strategy.fixed-delay.delay' = '100 ms';\n");
  EXPECT_EQ(out.exit_code, 1) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("restart 1 in 100 ms"), std::string::npos) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("restart 2 in 100 ms"), std::string::npos) << out.stderr_text;
  EXPECT_EQ(out.stderr_text.find("restart 3"), std::string::npos) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("allows no more restarts after 2"), std::string::npos)
      << out.stderr_text;
}

TEST_F(RestartTest, ExponentialDelayDoublesTheBackoff) {
  SubprocessOutput out = RunWith(
      "SET 'restart-strategy' = 'exponential-delay';\n"
      "SET 'restart-strategy.exponential-delay.initial-backoff' = '100 ms';\n"
      "SET 'restart-strategy.exponential-delay.backoff-multiplier' = '2.0';\n"
      "SET 'restart-strategy.exponential-delay.attempts-before-reset-backoff' = '3';\n");
  EXPECT_EQ(out.exit_code, 1) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("restart 1 in 100 ms"), std::string::npos) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("restart 2 in 200 ms"), std::string::npos) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("restart 3 in 400 ms"), std::string::npos) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("allows no more restarts after 3"), std::string::npos)
      << out.stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
