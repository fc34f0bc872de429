// `sluice run` with an 'http' source into PostgreSQL while PostgreSQL is stopped for 10 s: the
// sink retries, requests already queued wait for their commit, and with a buffer of 250 rows the
// third and fourth concurrent request of 100 rows get 429 (and retry); when the server is back
// every accepted event is in the table exactly once. 40,000 events in 400 requests from 4
// connections.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "cli/tests/loopback_http.h"
#include "cli/tests/subprocess.h"
#include "testing/ingest_load_client.h"
#include "testing/postgres_server.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::PostgresServer;
using ::sluice::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
constexpr int64_t kBatches = 400;
constexpr int64_t kPerBatch = 100;

const char* const kPipeline = R"sql(SET 'pipeline.name' = 'http-pg-outage';
SET 'execution.epoch-interval' = '100 ms';
SET 'server.port' = '${PORT}';
SET 'state.dir' = '${STATE_DIR}';
CREATE TABLE hits (id BIGINT) WITH (
  'connector' = 'http', 'http.buffer-rows' = '250', 'http.ack-timeout' = '90 s');
CREATE TABLE stored (id BIGINT) WITH (
  'connector' = 'postgres', 'url' = '${POSTGRES_URL}', 'table-name' = 'outage_hits',
  'sink.max-retries' = '1000', 'sink.retry-backoff' = '100 ms', 'sink.retry-backoff-max' = '1 s');
INSERT INTO stored SELECT id FROM hits;
)sql";

int64_t Count(const PostgresServer& server, const std::string& what) {
  auto rows = server.Query("SELECT " + what + " FROM outage_hits");
  if (!rows.ok() || rows->empty() || !(*rows)[0][0]) return -1;
  return std::stoll(*(*rows)[0][0]);
}

TEST(HttpPostgresOutageTest, StoppedForTenSecondsLosesNothingAcceptedAndDuplicatesNothing) {
  PostgresServer postgres;
  ASSERT_TRUE(postgres.Start().ok()) << postgres.LogTail();
  ASSERT_TRUE(postgres.Query("CREATE TABLE outage_hits (id bigint)").ok());
  TempDir dir;
  const int port = FreeLoopbackPort();
  ASSERT_GT(port, 0);
  auto run = Subprocess::Start({kSluice, "run", dir.Write("p.sql", kPipeline)},
                               {{"PORT", std::to_string(port)},
                                {"STATE_DIR", dir.File("state")},
                                {"POSTGRES_URL", postgres.url()}});
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_TRUE(WaitUntilServing(port, seconds(60)));

  ::sluice::testing::IngestLoadOptions load;
  load.url = "http://127.0.0.1:" + std::to_string(port) + "/ingest/hits";
  load.connections = 4;
  load.batches = kBatches;
  load.body = [](int64_t batch) {
    std::string body;
    for (int64_t i = 0; i < kPerBatch; ++i) {
      body += "{\"id\":" + std::to_string(batch * kPerBatch + i) + "}\n";
    }
    return body;
  };
  ::sluice::testing::IngestLoadReport report;
  std::thread client([&] { report = ::sluice::testing::IngestLoadClient::Run(load); });

  // Stop PostgreSQL once rows arrive, i.e. mid-run; start it again 10 s later.
  bool flowing = false;
  for (int i = 0; i < 600 && !flowing; ++i) {
    flowing = Count(postgres, "count(*)") >= 1000;
    if (!flowing) std::this_thread::sleep_for(milliseconds(100));
  }
  postgres.Stop();
  std::this_thread::sleep_for(seconds(10));
  Status restarted = postgres.Start();
  client.join();
  ASSERT_TRUE(flowing);
  ASSERT_TRUE(restarted.ok()) << restarted.message();

  EXPECT_EQ(report.accepted_batches, kBatches) << report.first_failure;
  EXPECT_EQ(report.failed_batches, 0) << report.first_failure;
  EXPECT_GT(report.retries, 0) << "no 429 while the sink was down";
  // Every request was answered 200 only after its rows were committed in PostgreSQL.
  EXPECT_EQ(Count(postgres, "count(*)"), kBatches * kPerBatch);
  EXPECT_EQ(Count(postgres, "count(DISTINCT id)"), kBatches * kPerBatch);
  EXPECT_EQ(Count(postgres, "max(id)"), kBatches * kPerBatch - 1);
  (*run)->Signal(SIGTERM);
  SubprocessOutput out = (*run)->Wait(seconds(60));
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
