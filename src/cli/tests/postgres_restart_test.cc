// `sluice run` into PostgreSQL killed with SIGKILL mid-run and started again on the same state
// directory: the second run recovers from the epoch log and checkpoint, the sink skips the epochs
// sluice_commits already holds, and the table ends with ids 0..9999 each exactly once. And runs
// that start over (--fresh, or after a bounded run finished and cleared its state) number their
// epochs from 1 again under a new run identity: sluice_commits must not hide their rows.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "cli/tests/subprocess.h"
#include "testing/postgres_server.h"
#include "testing/postgres_test_environment.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::PostgresServer;
using ::sluice::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
constexpr int64_t kRows = 10'000;

const char* const kPipeline = R"sql(SET 'pipeline.name' = '${PIPELINE}';
SET 'execution.epoch-interval' = '100 ms';
SET 'state.dir' = '${STATE_DIR}';
CREATE TABLE ids (id BIGINT) WITH (
  'connector' = 'datagen', 'rows-per-second' = '4000',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '9999');
CREATE TABLE stored (id BIGINT) WITH (
  'connector' = 'postgres', 'url' = '${POSTGRES_URL}', 'table-name' = '${TABLE}');
INSERT INTO stored SELECT id FROM ids;
)sql";

int64_t Count(const PostgresServer& server, const std::string& what,
              const std::string& table = "restart_ids") {
  auto rows = server.Query("SELECT " + what + " FROM " + table);
  if (!rows.ok() || rows->empty() || !(*rows)[0][0]) return -1;
  return std::stoll(*(*rows)[0][0]);
}

TEST(PostgresRestartTest, KilledAndRestartedRunLeavesEveryRowOnce) {
  auto postgres_or = PostgresServer::Shared();
  ASSERT_TRUE(postgres_or.ok()) << postgres_or.status().ToString();
  PostgresServer& postgres = **postgres_or;
  ASSERT_TRUE(postgres.Query("DROP TABLE IF EXISTS restart_ids").ok());
  ASSERT_TRUE(postgres.Query("CREATE TABLE restart_ids (id bigint)").ok());
  TempDir dir;
  const std::string sql = dir.Write("p.sql", kPipeline);
  const EnvVars env = {{"STATE_DIR", dir.File("state")},
                       {"POSTGRES_URL", postgres.url()},
                       {"PIPELINE", "pg-restart"},
                       {"TABLE", "restart_ids"}};

  auto first = Subprocess::Start({kSluice, "run", sql}, env);
  ASSERT_TRUE(first.ok()) << first.status().message();
  bool midway = false;
  for (int i = 0; i < 600 && !midway; ++i) {
    midway = Count(postgres, "count(*)") >= 2000;
    if (!midway) std::this_thread::sleep_for(milliseconds(50));
  }
  (*first)->Signal(SIGKILL);
  SubprocessOutput killed = (*first)->Wait(seconds(10));
  ASSERT_TRUE(midway) << killed.stderr_text;
  ASSERT_EQ(killed.term_signal, SIGKILL) << "the first run ended before it was killed";
  ASSERT_LT(Count(postgres, "count(*)"), kRows);

  auto second = Subprocess::Run({kSluice, "run", sql}, env, seconds(120));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->exit_code, 0) << second->stderr_text;
  EXPECT_EQ(Count(postgres, "count(*)"), kRows) << second->stderr_text;
  EXPECT_EQ(Count(postgres, "count(DISTINCT id)"), kRows);
  EXPECT_EQ(Count(postgres, "min(id)"), 0);
  EXPECT_EQ(Count(postgres, "max(id)"), kRows - 1);
}

TEST(PostgresRestartTest, RunsThatStartOverWriteEveryRowAgain) {
  auto postgres_or = PostgresServer::Shared();
  ASSERT_TRUE(postgres_or.ok()) << postgres_or.status().ToString();
  PostgresServer& postgres = **postgres_or;
  ASSERT_TRUE(postgres.Query("DROP TABLE IF EXISTS fresh_ids").ok());
  ASSERT_TRUE(postgres.Query("CREATE TABLE fresh_ids (id bigint)").ok());
  TempDir dir;
  const std::string sql = dir.Write("p.sql", kPipeline);
  const EnvVars env = {{"STATE_DIR", dir.File("state")},
                       {"POSTGRES_URL", postgres.url()},
                       {"PIPELINE", "pg-fresh"},
                       {"TABLE", "fresh_ids"}};
  auto count = [&](const std::string& what) { return Count(postgres, what, "fresh_ids"); };

  // A run killed midway leaves committed epochs 1..N in sluice_commits.
  auto killed_run = Subprocess::Start({kSluice, "run", sql}, env);
  ASSERT_TRUE(killed_run.ok()) << killed_run.status().message();
  bool midway = false;
  for (int i = 0; i < 600 && !midway; ++i) {
    midway = count("count(*)") >= 2000;
    if (!midway) std::this_thread::sleep_for(milliseconds(50));
  }
  (*killed_run)->Signal(SIGKILL);
  SubprocessOutput killed = (*killed_run)->Wait(seconds(10));
  ASSERT_TRUE(midway) << killed.stderr_text;
  const int64_t first_rows = count("count(*)");
  ASSERT_LT(first_rows, kRows);

  // --fresh drops that state: the new run's epochs 1..N are new writes.
  auto fresh = Subprocess::Run({kSluice, "run", "--fresh", sql}, env, seconds(120));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->exit_code, 0) << fresh->stderr_text;
  EXPECT_EQ(count("count(*)"), first_rows + kRows) << fresh->stderr_text;
  EXPECT_EQ(count("count(DISTINCT id)"), kRows);

  // That run finished and cleared its state: the next run starts over as well.
  auto again = Subprocess::Run({kSluice, "run", sql}, env, seconds(120));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->exit_code, 0) << again->stderr_text;
  EXPECT_EQ(count("count(*)"), first_rows + 2 * kRows) << again->stderr_text;
  EXPECT_EQ(count("count(DISTINCT id)"), kRows);
  auto scopes =
      postgres.Query("SELECT count(*) FROM public.sluice_commits WHERE pipeline LIKE 'pg-fresh@%'");
  ASSERT_TRUE(scopes.ok() && !scopes->empty() && (*scopes)[0][0]);
  EXPECT_EQ(*(*scopes)[0][0], "3");  // one run identity per life of the state
}

}  // namespace
}  // namespace sluice::cli::testing
