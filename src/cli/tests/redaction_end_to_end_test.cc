// Secrets never leave sluice: a ClickHouse password (in the URL and in 'password', both from the
// environment) and 'server.auth-token' are grepped for in stderr (text and JSON logs, start-up
// summary, the error of a sink that cannot connect), /metrics, /api/status, /readyz and
// `sluice explain`.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>

#include "cli/tests/loopback_http.h"
#include "cli/tests/metrics_scrape.h"
#include "cli/tests/subprocess.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
const char* const kUrlPassword = "urlpw-5e2c81";
const char* const kPassword = "chpass-9d41aa";
const char* const kToken = "tok-aa17f0c3";

const char* const kPipeline = R"sql(SET 'pipeline.name' = 'secretive';
SET 'server.auth-token' = '${TOKEN}';
SET 'execution.epoch-interval' = '200 ms';
SET 'state.dir' = '';
CREATE TABLE g (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '50');
CREATE TABLE ch (n BIGINT) WITH (
  'connector' = 'clickhouse', 'url' = 'http://default:${URL_PASSWORD}@127.0.0.1:${CH_PORT}',
  'username' = 'default', 'password' = '${CH_PASSWORD}', 'table-name' = 't',
  'sink.wait-for-server' = '${WAIT:-1 s}');
CREATE TABLE b (n BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO %TARGET% SELECT n FROM g;
)sql";

void ExpectNoSecret(const std::string& text, const std::string& where) {
  for (const char* secret : {kUrlPassword, kPassword, kToken}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << where << " leaks " << secret << ":\n"
                                                    << text;
  }
}

class RedactionEndToEndTest : public ::testing::Test {
 protected:
  // Writes the pipeline with its INSERT into `target`; returns its path.
  std::string Pipeline(const std::string& target) {
    std::string sql = kPipeline;
    sql.replace(sql.find("%TARGET%"), 8, target);
    return dir_.Write(target + ".sql", sql);
  }
  EnvVars Env() {
    return {{"TOKEN", kToken},
            {"URL_PASSWORD", kUrlPassword},
            {"CH_PASSWORD", kPassword},
            {"CH_PORT", std::to_string(FreeLoopbackPort())}};
  }
  sluice::testing::TempDir dir_;
};

TEST_F(RedactionEndToEndTest, ServerRoutesAndLogsOfARunningPipeline) {
  const int port = FreeLoopbackPort();
  auto child = Subprocess::Start(
      {kSluice, "run", Pipeline("b"), "--http-port", std::to_string(port), "--log-format", "json"},
      Env());
  ASSERT_TRUE(child.ok()) << child.status().message();
  ASSERT_TRUE(WaitUntilServing(port, seconds(60)));
  ASSERT_TRUE(WaitUntil(
      [&] {
        return SumSamples(ScrapeGet(port, "/metrics", kToken).body, "sluice_source_records_total") >
               0;
      },
      seconds(60)));
  EXPECT_EQ(ScrapeGet(port, "/metrics").status, 401);
  for (const char* path : {"/metrics", "/api/status", "/readyz", "/healthz"}) {
    ScrapeReply reply = ScrapeGet(port, path, kToken);
    EXPECT_NE(reply.status, 0) << path;
    ExpectNoSecret(reply.body, path);
  }
  (*child)->Signal(SIGTERM);
  SubprocessOutput out = (*child)->Wait(seconds(60));
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  ExpectNoSecret(out.stderr_text, "stderr");
  // The start-up summary names the ClickHouse endpoint, with the password masked.
  EXPECT_NE(out.stderr_text.find("\"endpoint\":\"http://default:***@127.0.0.1:"), std::string::npos)
      << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("\"msg\":\"pipeline plan\""), std::string::npos);
}

TEST_F(RedactionEndToEndTest, SinkErrorAndExplain) {
  const std::string sql = Pipeline("ch");
  auto run = Subprocess::Run({kSluice, "run", sql}, Env(), seconds(60));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 1) << run->stderr_text;  // nothing listens on CH_PORT
  EXPECT_NE(run->stderr_text.find("http://default:***@127.0.0.1"), std::string::npos)
      << run->stderr_text;
  ExpectNoSecret(run->stderr_text, "run stderr");
  auto explain = Subprocess::Run({kSluice, "explain", sql}, Env(), seconds(60));
  ASSERT_TRUE(explain.ok());
  EXPECT_EQ(explain->exit_code, 0) << explain->stderr_text;
  EXPECT_NE(explain->stdout_text.find("clickhouse"), std::string::npos) << explain->stdout_text;
  ExpectNoSecret(explain->stdout_text + explain->stderr_text, "explain");
}

}  // namespace
}  // namespace sluice::cli::testing
