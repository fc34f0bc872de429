// The command-line contract of the sluice binary: help and version, exit codes (0 success or
// graceful stop, 2 bad command line or pipeline file), file:line:col errors, check and explain,
// and a graceful SIGTERM of an unbounded pipeline.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli/tests/subprocess.h"
#include "cli/version.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;

using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

const char* const kWindowPipeline = R"sql(SET 'pipeline.name' = 'cli';
CREATE TABLE orders (symbol STRING, price DOUBLE, ts TIMESTAMP(3),
                     WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${ORDERS:-/nonexistent}', 'format' = 'json');
CREATE TABLE results (symbol STRING, cnt BIGINT) WITH ('connector' = 'print');
INSERT INTO results
SELECT symbol, COUNT(*)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY symbol, window_start, window_end;
)sql";

SubprocessOutput RunSluice(const std::vector<std::string>& args, const EnvVars& env = {}) {
  std::vector<std::string> argv = {kSluice};
  argv.insert(argv.end(), args.begin(), args.end());
  auto out = Subprocess::Run(argv, env, seconds(60));
  EXPECT_TRUE(out.ok()) << out.status().message();
  if (!out.ok()) return {};
  EXPECT_FALSE(out->timed_out);
  return *out;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CliTest, HelpListsTheSubcommands) {
  SubprocessOutput out = RunSluice({"--help"});
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  for (const char* word : {"run", "check", "explain", "--version"}) {
    EXPECT_TRUE(Contains(out.stdout_text, word)) << word << " missing from:\n" << out.stdout_text;
  }
}

TEST(CliTest, SubcommandHelpListsItsOptions) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"run", {"FILE", "--set", "--log-level", "--replay"}},
      {"check", {"FILE", "--set", "--log-level"}},
      {"explain", {"FILE", "--set", "--log-level"}},
  };
  for (const auto& [command, options] : cases) {
    SubprocessOutput out = RunSluice({command, "--help"});
    EXPECT_EQ(out.exit_code, 0) << command << ": " << out.stderr_text;
    for (const auto& option : options) {
      EXPECT_TRUE(Contains(out.stdout_text, option))
          << command << " --help lacks " << option << ":\n"
          << out.stdout_text;
    }
  }
  // --replay belongs to run only.
  EXPECT_FALSE(Contains(RunSluice({"check", "--help"}).stdout_text, "--replay"));
}

TEST(CliTest, VersionPrintsTheVersion) {
  SubprocessOutput out = RunSluice({"--version"});
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.stdout_text, std::string("sluice ") + kVersion + "\n");
}

TEST(CliTest, NoSubcommandIsAUserError) {
  SubprocessOutput out = RunSluice({});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_FALSE(out.stderr_text.empty());
}

TEST(CliTest, SyntaxErrorReportsFileLineColumn) {
  TempDir dir;
  // Line 3, column 23: after "a INT" the column list needs ',' or ')', and finds 'b'.
  std::string path = dir.Write("bad.sql",
                               "-- a pipeline with a syntax error\n"
                               "SET 'pipeline.name' = 'bad';\n"
                               "CREATE TABLE t (a INT b INT) WITH ('connector' = 'print');\n");
  for (const char* command : {"check", "run", "explain"}) {
    SubprocessOutput out = RunSluice({command, path});
    EXPECT_EQ(out.exit_code, 2) << command;
    EXPECT_EQ(out.stderr_text.rfind(path + ":3:23:", 0), 0u)
        << command << " stderr: " << out.stderr_text;
    EXPECT_EQ(out.stdout_text, "") << command;
  }
}

TEST(CliTest, MissingFileIsAUserError) {
  TempDir dir;
  std::string path = dir.File("no-such-pipeline.sql");
  for (const char* command : {"check", "run", "explain"}) {
    SubprocessOutput out = RunSluice({command, path});
    EXPECT_EQ(out.exit_code, 2) << command << ": " << out.stderr_text;
    EXPECT_TRUE(Contains(out.stderr_text, path)) << command << ": " << out.stderr_text;
  }
}

TEST(CliTest, CheckReportsOk) {
  TempDir dir;
  std::string path = dir.Write("good.sql", kWindowPipeline);
  SubprocessOutput out = RunSluice({"check", path});
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_TRUE(Contains(out.stdout_text, "OK")) << out.stdout_text;
  EXPECT_EQ(out.stdout_text.rfind(path + ":", 0), 0u) << out.stdout_text;
}

TEST(CliTest, CheckFindsAPlanError) {
  TempDir dir;
  // Line 2, column 8: no_such_column is not a column of t.
  std::string path = dir.Write("plan_error.sql",
                               "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\n"
                               "SELECT no_such_column FROM t;\n");
  SubprocessOutput out = RunSluice({"check", path});
  EXPECT_EQ(out.exit_code, 2) << out.stderr_text;
  EXPECT_EQ(out.stderr_text.rfind(path + ":2:8:", 0), 0u) << out.stderr_text;
}

TEST(CliTest, ExplainPrintsLogicalAndPhysicalPlans) {
  TempDir dir;
  std::string path = dir.Write("good.sql", kWindowPipeline);
  SubprocessOutput out = RunSluice({"explain", path});
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  const std::string& text = out.stdout_text;
  size_t logical = text.find("== Logical plan ==");
  size_t physical = text.find("== Physical plan ==");
  ASSERT_NE(logical, std::string::npos) << text;
  ASSERT_NE(physical, std::string::npos) << text;
  EXPECT_LT(logical, physical);
  // The logical plan names the source table, the physical one its reader and window operator.
  EXPECT_TRUE(Contains(text.substr(logical, physical - logical), "orders")) << text;
  EXPECT_TRUE(Contains(text.substr(physical), "Source[orders]")) << text;
  EXPECT_TRUE(Contains(text.substr(physical), "WindowAggregate")) << text;
}

TEST(CliTest, BadSetIsAUserError) {
  TempDir dir;
  std::string path = dir.Write("good.sql", kWindowPipeline);
  for (const char* set :
       {"no-equals-sign", "=value", "execution.no-such-key=1", "execution.batch-size=many"}) {
    for (const char* command : {"check", "run"}) {
      SubprocessOutput out = RunSluice({command, "--set", set, path});
      EXPECT_EQ(out.exit_code, 2) << command << " --set " << set << ": " << out.stderr_text;
      EXPECT_FALSE(out.stderr_text.empty()) << command << " --set " << set;
    }
  }
}

TEST(CliTest, BadLogLevelIsAUserError) {
  TempDir dir;
  std::string path = dir.Write("good.sql", kWindowPipeline);
  SubprocessOutput out = RunSluice({"check", "--log-level", "loud", path});
  EXPECT_EQ(out.exit_code, 2) << out.stderr_text;
  EXPECT_TRUE(Contains(out.stderr_text, "loud")) << out.stderr_text;
}

TEST(CliTest, CheckFindsAMissingConnectorOption) {
  TempDir dir;
  // The filesystem sink has no 'path': planning succeeds, building the sink does not.
  std::string path = dir.Write("no_path.sql",
                               "CREATE TABLE src (a INT) WITH ('connector' = 'datagen');\n"
                               "CREATE TABLE dst (a INT) WITH ('connector' = 'filesystem', "
                               "'format' = 'csv');\n"
                               "INSERT INTO dst SELECT a FROM src;\n");
  SubprocessOutput out = RunSluice({"check", path});
  EXPECT_EQ(out.exit_code, 2) << out.stderr_text;
  EXPECT_TRUE(Contains(out.stderr_text, "'path'")) << out.stderr_text;
  EXPECT_FALSE(Contains(out.stdout_text, "OK")) << out.stdout_text;
}

TEST(CliTest, ReplayOfAMissingLogIsAUserError) {
  TempDir dir;
  std::string path = dir.Write("good.sql", kWindowPipeline);
  std::string orders = dir.Write("orders.json", "");
  std::string log = dir.File("missing.log");
  SubprocessOutput out = RunSluice({"run", "--replay", log, path}, {{"ORDERS", orders}});
  EXPECT_EQ(out.exit_code, 2) << out.stderr_text;
  EXPECT_TRUE(Contains(out.stderr_text, log)) << out.stderr_text;
  EXPECT_EQ(out.stdout_text, "");
}

TEST(CliTest, ReplayOfALogNamingAnUnknownSourceIsRejected) {
  TempDir dir;
  std::string path = dir.Write("good.sql", kWindowPipeline);
  std::string orders = dir.Write(
      "orders.json", "{\"symbol\": \"A\", \"price\": 1.5, \"ts\": \"2024-01-01T00:00:01Z\"}\n");
  // The pipeline has one source (index 0); the log's batch names source 3.
  std::string log = dir.Write("other.log", "B\t3\t0\t1700000000000\t10\nE\t1\n");
  SubprocessOutput out = RunSluice({"run", "--replay", log, path}, {{"ORDERS", orders}});
  EXPECT_EQ(out.exit_code, 2) << out.stderr_text;
  EXPECT_TRUE(Contains(out.stderr_text, log)) << out.stderr_text;
  EXPECT_EQ(out.stdout_text, "");
}

// Starts an unbounded datagen -> print pipeline, waits for 50 printed rows, sends `signal` and
// checks a graceful stop: exit 0 within seconds, whole lines, ids without a gap.
void ExpectGracefulStopOn(int signal) {
  TempDir dir;
  std::string path = dir.Write("unbounded.sql", R"sql(
SET 'execution.epoch-interval' = '100 ms';
CREATE TABLE gen (id BIGINT, name STRING)
WITH ('connector' = 'datagen', 'rows-per-second' = '2000',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '1000000000000',
      'fields.name.values' = 'alpha,beta,gamma');
CREATE TABLE printed (id BIGINT, name STRING) WITH ('connector' = 'print');
INSERT INTO printed SELECT id, name FROM gen;
)sql");
  auto child = Subprocess::Start({kSluice, "run", path});
  ASSERT_TRUE(child.ok()) << child.status().message();
  if (!(*child)->ReadStdoutUntil(50, seconds(20))) {
    (*child)->Signal(SIGKILL);
    FAIL() << "fewer than 50 rows printed; stderr:\n" << (*child)->Wait(seconds(5)).stderr_text;
  }

  const auto signalled = std::chrono::steady_clock::now();
  (*child)->Signal(signal);
  SubprocessOutput out = (*child)->Wait(seconds(10));
  const auto took = std::chrono::steady_clock::now() - signalled;
  EXPECT_FALSE(out.timed_out);
  EXPECT_EQ(out.term_signal, 0);
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_LT(took, seconds(5));

  // Complete lines only: every line is a whole row, the ids run 1, 2, 3, ... without a gap.
  ASSERT_FALSE(out.stdout_text.empty());
  EXPECT_EQ(out.stdout_text.back(), '\n');
  std::stringstream lines(out.stdout_text);
  std::string line;
  int64_t expected_id = 1;
  while (std::getline(lines, line)) {
    ASSERT_EQ(line.rfind("+I[", 0), 0u) << line;
    ASSERT_EQ(line.back(), ']') << line;
    size_t comma = line.find(", ");
    ASSERT_NE(comma, std::string::npos) << line;
    EXPECT_EQ(line.substr(3, comma - 3), std::to_string(expected_id)) << line;
    std::string name = line.substr(comma + 2, line.size() - comma - 3);
    EXPECT_TRUE(name == "alpha" || name == "beta" || name == "gamma") << line;
    ++expected_id;
  }
  EXPECT_GE(expected_id, 51);
}

TEST(CliTest, SigtermStopsAnUnboundedPipelineGracefully) { ExpectGracefulStopOn(SIGTERM); }

TEST(CliTest, SigintStopsAnUnboundedPipelineGracefully) { ExpectGracefulStopOn(SIGINT); }

}  // namespace
}  // namespace sluice::cli::testing
