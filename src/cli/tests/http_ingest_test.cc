// The sluice binary with an 'http' source: events POSTed to /ingest/<table> reach a filesystem
// sink exactly as sent (ISO-8601 times with offsets normalised to UTC), bad bodies get 400 with
// their lines and leave nothing behind, 413/401/404 are answered before anything is queued, and a
// bounded load from 4 client threads (200 batches x 1000 events) ends with every accepted event
// in the sink exactly once. A 200 answer means the epoch was committed, so the sink file holds the
// rows before the process is stopped.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/tests/loopback_http.h"
#include "cli/tests/subprocess.h"
#include "testing/ingest_load_client.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
const char* const kToken = "ingest-token-3b9d";

const char* const kPipeline = R"sql(SET 'pipeline.name' = 'ingest';
SET 'execution.epoch-interval' = '100 ms';
SET 'server.port' = '${PORT}';
SET 'server.auth-token' = '${SLUICE_TOKEN}';
SET 'state.dir' = '${STATE_DIR}';
CREATE TABLE views (id BIGINT, link STRING, ts TIMESTAMP(3)) WITH (
  'connector' = 'http', 'format' = 'json', 'json.fail-on-missing-field' = 'true',
  'http.max-body-size' = '256 kb');
CREATE TABLE landed (id BIGINT, link STRING, ts TIMESTAMP(3)) WITH (
  'connector' = 'filesystem', 'path' = '${OUT}', 'format' = 'json');
INSERT INTO landed SELECT id, link, ts FROM views;
)sql";

class HttpIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    port_ = FreeLoopbackPort();
    ASSERT_GT(port_, 0);
    out_path_ = dir_.File("out.json");
    auto child = Subprocess::Start({kSluice, "run", dir_.Write("p.sql", kPipeline)},
                                   {{"PORT", std::to_string(port_)},
                                    {"SLUICE_TOKEN", kToken},
                                    {"OUT", out_path_},
                                    {"STATE_DIR", dir_.File("state")}});
    ASSERT_TRUE(child.ok()) << child.status().message();
    child_ = std::move(*child);
    // The server is up once /healthz answers (generous deadline for a loaded machine).
    if (!WaitUntilServing(port_, seconds(60))) {
      FAIL() << "the server did not come up: " << child_->Wait(seconds(10)).stderr_text;
    }
  }

  httplib::Result Post(const std::string& body, const std::string& token = kToken,
                       const std::string& table = "views") {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60);
    if (!token.empty()) client.set_bearer_token_auth(token);
    return client.Post("/ingest/" + table, body, "application/x-ndjson");
  }

  // Stops the pipeline (SIGTERM) and returns the sink file's lines.
  std::vector<std::string> StopAndReadSink() {
    child_->Signal(SIGTERM);
    SubprocessOutput out = child_->Wait(seconds(60));
    EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
    EXPECT_EQ(out.stderr_text.find(kToken), std::string::npos);
    std::istringstream in(TempDir::Read(out_path_));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  TempDir dir_;
  int port_ = 0;
  std::string out_path_;
  std::unique_ptr<Subprocess> child_;
};

TEST_F(HttpIngestTest, AcceptedEventsAreInTheSinkWhenAnswered) {
  auto res = Post(
      "{\"id\":1,\"link\":\"/home\",\"ts\":\"2024-03-01T10:15:30.250+02:00\"}\n"
      "{\"id\":2,\"link\":\"/cart\",\"ts\":\"2024-03-01T08:16:00Z\"}\n");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->body, "{\"accepted\":2,\"rejected\":0,\"errors\":[]}\n");
  // Answered 200 = committed: the filesystem sink already holds both rows, in UTC.
  const std::string expected =
      "{\"id\":1,\"link\":\"/home\",\"ts\":\"2024-03-01 08:15:30.250\"}\n"
      "{\"id\":2,\"link\":\"/cart\",\"ts\":\"2024-03-01 08:16:00.000\"}\n";
  EXPECT_EQ(TempDir::Read(out_path_), expected);

  // Line 2 has no link (json.fail-on-missing-field), line 3 is not JSON: 400, nothing written.
  res = Post(
      "{\"id\":3,\"link\":\"/a\",\"ts\":\"2024-03-01T08:17:00Z\"}\n"
      "{\"id\":4,\"ts\":\"2024-03-01T08:17:00Z\"}\n"
      "{oops\n");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("\"accepted\":0,\"rejected\":2"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("{\"line\":2,\"reason\":"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("{\"line\":3,\"reason\":"), std::string::npos) << res->body;

  std::string big;
  while (big.size() <= 256 * 1024) {
    big += "{\"id\":9,\"link\":\"/big\",\"ts\":\"2024-03-01T08:17:00Z\"}\n";
  }
  res = Post(big);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  res = Post("{\"id\":5,\"link\":\"/x\",\"ts\":\"2024-03-01T08:17:00Z\"}", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = Post("{\"id\":5,\"link\":\"/x\",\"ts\":\"2024-03-01T08:17:00Z\"}", kToken, "other");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);

  std::vector<std::string> lines = StopAndReadSink();
  EXPECT_EQ(lines.size(), 2u);
}

// Issue 11's load test: a million events from a second process (this one) on loopback, 1,000 per
// request over 8 connections; every accepted event reaches the sink exactly once.
TEST_F(HttpIngestTest, AMillionEventsFromEightConnectionsLandExactlyOnce) {
  constexpr int64_t kBatches = 1000;
  constexpr int64_t kPerBatch = 1000;
  ::sluice::testing::IngestLoadOptions load;
  load.url = "http://127.0.0.1:" + std::to_string(port_) + "/ingest/views";
  load.token = kToken;
  load.connections = 8;
  load.batches = kBatches;
  load.body = [](int64_t batch) {
    std::string body;
    for (int64_t i = 0; i < kPerBatch; ++i) {
      body += "{\"id\":" + std::to_string(batch * kPerBatch + i) +
              ",\"link\":\"/p\",\"ts\":\"2024-03-01T08:00:00Z\"}\n";
    }
    return body;
  };
  ::sluice::testing::IngestLoadReport report = ::sluice::testing::IngestLoadClient::Run(load);
  EXPECT_EQ(report.accepted_batches, kBatches) << report.first_failure;
  EXPECT_EQ(report.failed_batches, 0) << report.first_failure;
  std::printf(
      "ingest load: %lld events in %.2f s (%.0f events/s, %.0f requests/s), p50 %.1f ms, "
      "p99 %.1f ms, %lld retries\n",
      static_cast<long long>(report.accepted_batches * kPerBatch), report.seconds,
      static_cast<double>(report.accepted_batches * kPerBatch) / report.seconds,
      static_cast<double>(report.requests) / report.seconds, report.p50_ms, report.p99_ms,
      static_cast<long long>(report.retries));

  std::vector<std::string> lines = StopAndReadSink();
  std::set<int64_t> ids;
  for (const auto& line : lines) {
    ASSERT_EQ(line.rfind("{\"id\":", 0), 0u) << line;
    ASSERT_TRUE(ids.insert(std::stoll(line.substr(6))).second) << "duplicate: " << line;
  }
  ASSERT_EQ(ids.size(), static_cast<size_t>(kBatches * kPerBatch));
  EXPECT_EQ(*ids.begin(), 0);
  EXPECT_EQ(*ids.rbegin(), kBatches * kPerBatch - 1);
}

}  // namespace
}  // namespace sluice::cli::testing
