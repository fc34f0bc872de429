// Dead letters are exactly-once across a crash: `sluice run` reads a file with 30 bad lines among
// 3,000 in batches of 50, one epoch per batch, checkpointing often, into a PostgreSQL dead-letter
// table (an exactly-once sink). SLUICE_CRASH_AT kills it with SIGKILL after its 40th sink block;
// the second run on the same state directory restores the checkpoint (seeking re-reads the file,
// whose bad lines must not be written again), replays the logged epochs and reads the rest. The
// table then holds each bad line exactly once: with the file read ahead on a thread of its own
// (the default; bad lines of batches read ahead but not consumed when the process died belong to
// no epoch yet) and with 'scan.read-ahead' = 'false'.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>

#include "cli/tests/subprocess.h"
#include "testing/postgres_server.h"
#include "testing/postgres_test_environment.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::PostgresServer;
using ::sluice::testing::TempDir;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

const char* const kPipeline = R"sql(SET 'pipeline.name' = 'dlq-restart';
SET 'pipeline.dead-letter' = 'dead';
SET 'execution.batch-size' = '50';
SET 'execution.epoch-interval' = '1 ms';
SET 'execution.checkpoint-interval' = '1 ms';
SET 'state.dir' = '${STATE_DIR}';
CREATE TABLE events (id BIGINT) WITH (
  'connector' = 'filesystem', 'path' = '${INPUT}', 'format' = 'json',
  'scan.read-ahead' = '${READ_AHEAD}');
CREATE TABLE sunk (id BIGINT) WITH ('connector' = 'blackhole');
CREATE TABLE dead (source STRING, location STRING, error_class STRING, message STRING,
  raw STRING, event_time TIMESTAMP(3))
WITH ('connector' = 'postgres', 'url' = '${POSTGRES_URL}', 'table-name' = 'dlq_restart');
INSERT INTO sunk SELECT id FROM events;
)sql";

// Returns the first row of `sql`'s result, its values joined by tabs.
std::string FirstRow(const PostgresServer& server, const std::string& sql) {
  auto rows = server.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().message();
  if (!rows.ok() || rows->empty()) return "";
  std::string text;
  for (const auto& value : (*rows)[0]) {
    if (!text.empty()) text += "\t";
    text += value.value_or("NULL");
  }
  return text;
}

class DeadLetterRestartTest : public ::testing::TestWithParam<bool> {};

TEST_P(DeadLetterRestartTest, KilledRunWritesEachDeadLetterOnce) {
  auto postgres_or = PostgresServer::Shared();
  ASSERT_TRUE(postgres_or.ok()) << postgres_or.status().message();
  PostgresServer& postgres = **postgres_or;
  ASSERT_TRUE(postgres.Query("DROP TABLE IF EXISTS dlq_restart").ok());
  ASSERT_TRUE(postgres
                  .Query("CREATE TABLE dlq_restart (source text, location text, error_class "
                         "text, message text, raw text, event_time timestamp(3))")
                  .ok());
  TempDir dir;
  std::string input;
  for (int line = 1; line <= 3000; ++line) {
    input += line % 100 == 0 ? "bad " + std::to_string(line) + "\n"
                             : "{\"id\":" + std::to_string(line) + "}\n";
  }
  const EnvVars env = {{"STATE_DIR", dir.File("state")},
                       {"INPUT", dir.Write("in.ndjson", input)},
                       {"POSTGRES_URL", postgres.url()},
                       {"READ_AHEAD", GetParam() ? "true" : "false"}};
  const std::string sql = dir.Write("p.sql", kPipeline);
  EnvVars crashing = env;
  crashing.push_back({"SLUICE_CRASH_AT", "sink-block-written:40"});
  auto first = Subprocess::Run({kSluice, "run", sql}, crashing, seconds(60));
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(first->term_signal, SIGKILL) << first->stderr_text;
  const std::string before = FirstRow(postgres, "SELECT count(*) FROM dlq_restart");
  ASSERT_NE(before, "30") << "the first run wrote every dead letter before it was killed";

  auto second = Subprocess::Run({kSluice, "run", sql}, env, seconds(120));
  ASSERT_TRUE(second.ok()) << second.status().message();
  ASSERT_EQ(second->exit_code, 0) << second->stderr_text;
  EXPECT_NE(second->stderr_text.find("recovered from"), std::string::npos) << second->stderr_text;
  // Lines 100, 200, ..., 3000, each once.
  EXPECT_EQ(FirstRow(postgres, "SELECT count(*), count(DISTINCT location) FROM dlq_restart"),
            "30\t30");
  EXPECT_EQ(FirstRow(postgres,
                     "SELECT count(*) FROM dlq_restart WHERE error_class = 'decode' AND "
                     "raw = 'bad ' || split_part(location, ':', 2)"),
            "30");
}

INSTANTIATE_TEST_SUITE_P(ReadAhead, DeadLetterRestartTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "ReadAhead" : "OnThePipelineThread";
                         });

}  // namespace
}  // namespace sluice::cli::testing
