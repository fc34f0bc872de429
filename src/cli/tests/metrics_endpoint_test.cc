// The sluice binary with --http-port: /metrics scraped during a run counts exactly the records a
// bounded file source delivered and the rows the print sink printed, the epoch gauge moves, the
// bearer token from ${SLUICE_TOKEN} guards every route but /healthz, and the token appears neither
// in the logs nor in /metrics. A 1-row-per-second generator in a second job keeps the pipeline
// running after the file is read, so the file's counts are at rest when compared.

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "cli/tests/subprocess.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;

using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
const char* const kToken = "tok-7f3a9c1e-do-not-leak";
constexpr int kRows = 250;

const char* const kPipeline = R"sql(SET 'pipeline.name' = 'metered';
SET 'execution.epoch-interval' = '200 ms';
SET 'server.auth-token' = '${SLUICE_TOKEN}';
CREATE TABLE events (id BIGINT) WITH (
  'connector' = 'filesystem', 'path' = '${EVENTS}', 'format' = 'json');
CREATE TABLE ticks (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '1');
CREATE TABLE printed (id BIGINT) WITH ('connector' = 'print');
CREATE TABLE nowhere (n BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO printed SELECT id FROM events WHERE id % 2 = 0;
INSERT INTO nowhere SELECT n FROM ticks;
)sql";

// A port that was free a moment ago (the kernel hands out ephemeral ports in rotation, so it is
// not handed to another socket right away).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct HttpReply {
  long status = 0;  // 0: no answer
  std::string body;
};

HttpReply Get(int port, const std::string& path, const std::string& token = "") {
  HttpReply reply;
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_slist* headers = nullptr;
  if (!token.empty())
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 5L);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return reply;
}

// Returns the value of the series line that starts with `series` (name and labels), or -1.
double Sample(const std::string& metrics, const std::string& series) {
  size_t at = metrics.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::strtod(metrics.c_str() + at + series.size() + 2, nullptr);
}

size_t Lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(MetricsEndpointTest, ScrapedCountsMatchWhatTheRunDelivered) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string events;
  for (int i = 1; i <= kRows; ++i) events += "{\"id\": " + std::to_string(i) + "}\n";
  std::string events_path = dir.Write("events.json", events);
  std::string sql_path = dir.Write("p.sql", kPipeline);
  const int port = FreePort();
  ASSERT_GT(port, 0);
  auto child = Subprocess::Start({kSluice, "run", sql_path, "--http-port", std::to_string(port)},
                                 {{"EVENTS", events_path}, {"SLUICE_TOKEN", kToken}});
  ASSERT_TRUE(child.ok()) << child.status().message();
  // 1..250 holds 125 even ids: the print sink prints 125 rows, the source reads 250 records.
  ASSERT_TRUE((*child)->ReadStdoutUntil(kRows / 2, seconds(60)));

  // The sink counter is updated right after the print sink's write returns: poll briefly.
  std::string metrics;
  const std::string sink_rows = "sluice_sink_rows_total{pipeline=\"metered\",sink=\"printed\"}";
  for (int i = 0; i < 100 && Sample(metrics, sink_rows) != kRows / 2; ++i) {
    metrics = Get(port, "/metrics", kToken).body;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(Sample(metrics, sink_rows), kRows / 2) << metrics;
  const std::string records =
      "sluice_source_records_total{pipeline=\"metered\",source=\"events\",split=\"0\"}";
  EXPECT_EQ(Sample(metrics, records), kRows) << metrics;
  EXPECT_EQ(Sample(metrics, "sluice_source_bad_records_total{pipeline=\"metered\"}"), 0);
  const double epoch =
      Sample(metrics, "sluice_pipeline_last_committed_epoch{pipeline=\"metered\"}");
  EXPECT_GE(epoch, 1);
  EXPECT_GT(Sample(metrics, "process_resident_memory_bytes"), 0);
  EXPECT_NE(metrics.find("# TYPE sluice_pipeline_epoch_duration_seconds histogram"),
            std::string::npos);

  // Epochs of 200 ms: 1 s later the epoch has moved on while the file counts stay put.
  std::this_thread::sleep_for(seconds(1));
  std::string later = Get(port, "/metrics", kToken).body;
  EXPECT_GT(Sample(later, "sluice_pipeline_last_committed_epoch{pipeline=\"metered\"}"), epoch);
  EXPECT_EQ(Sample(later, records), kRows);
  EXPECT_EQ(Sample(later, sink_rows), kRows / 2);

  // Security: every route but /healthz needs the token; the token is not echoed anywhere.
  EXPECT_EQ(Get(port, "/healthz").status, 200);
  for (const char* path : {"/metrics", "/readyz", "/api/status"}) {
    EXPECT_EQ(Get(port, path).status, 401) << path;
    HttpReply ok = Get(port, path, kToken);
    EXPECT_EQ(ok.status, 200) << path << ": " << ok.body;
    EXPECT_EQ(ok.body.find(kToken), std::string::npos) << path;
  }
  HttpReply status = Get(port, "/api/status", kToken);
  EXPECT_NE(status.body.find("\"pipeline\":\"metered\""), std::string::npos) << status.body;
  EXPECT_NE(status.body.find("{\"name\":\"printed\",\"rows\":125}"), std::string::npos)
      << status.body;
  EXPECT_EQ(later.find(kToken), std::string::npos);

  (*child)->Signal(SIGTERM);
  SubprocessOutput out = (*child)->Wait(seconds(30));
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_EQ(Lines(out.stdout_text), static_cast<size_t>(kRows / 2)) << out.stdout_text;
  EXPECT_NE(out.stderr_text.find("serving metrics on http://127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << out.stderr_text;
  EXPECT_EQ(out.stderr_text.find(kToken), std::string::npos) << out.stderr_text;
  // The server is gone with the process.
  EXPECT_EQ(Get(port, "/healthz").status, 0);
}

TEST(MetricsEndpointTest, UnknownServerSettingIsRejected) {
  TempDir dir;
  std::string sql_path = dir.Write(
      "p.sql",
      "SET 'server.prot' = '8080';\n"
      "CREATE TABLE t (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');\n"
      "CREATE TABLE o (n BIGINT) WITH ('connector' = 'blackhole');\n"
      "INSERT INTO o SELECT n FROM t;\n");
  auto out = Subprocess::Run({kSluice, "check", sql_path}, {}, seconds(60));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->exit_code, 2) << out->stderr_text;
  EXPECT_NE(out->stderr_text.find("server.port"), std::string::npos) << out->stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
