// examples/pageviews end to end against real servers: the development Kafka broker (`sluice kafka
// serve`), ClickHouse and PostgreSQL (fixtures), the example's own DDL files and pipeline.sql.
// 300 page views are POSTed in 3 requests with ISO-8601 times in three offsets; each request is
// answered 200 (the events are in the topic), and both databases end with the same 300 rows,
// times normalised to UTC, which also makes the README's comparison query agree.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/tests/loopback_http.h"
#include "cli/tests/subprocess.h"
#include "testing/clickhouse_server.h"
#include "testing/clickhouse_test_environment.h"
#include "testing/postgres_server.h"
#include "testing/postgres_test_environment.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::ClickHouseServer;
using ::sluice::testing::PostgresServer;
using ::sluice::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
const std::string kExample = std::string(SLUICE_SOURCE_DIR) + "/examples/pageviews/";
const char* const kToken = "pageviews-token";
constexpr int kRequests = 3;
constexpr int kPerRequest = 100;

// Event n happens at 2025-05-19 04:45:00 UTC + n seconds. It is written in local time with
// offset +09:00, Z or -05:30 (local = UTC + offset); the databases must hold the UTC time.
struct PageView {
  std::string link, method, local_time, utc_time;
};

std::string Clock(int day, int seconds_of_day) {
  char text[32];
  std::snprintf(text, sizeof(text), "2025-05-%02d %02d:%02d:%02d", day, seconds_of_day / 3600,
                seconds_of_day / 60 % 60, seconds_of_day % 60);
  return text;
}

PageView MakePageView(int n) {
  const int utc = 4 * 3600 + 45 * 60 + n;
  const int offsets[] = {9 * 3600, 0, -(5 * 3600 + 30 * 60)};
  const char* suffixes[] = {"+09:00", "Z", "-05:30"};
  int local = utc + offsets[n % 3];
  int day = 19;
  if (local < 0) {  // -05:30 from 04:45 is the day before
    local += 86400;
    day = 18;
  }
  std::string local_text = Clock(day, local);
  local_text[10] = 'T';
  return {"/products/" + std::to_string(n % 7), n % 4 == 0 ? "POST" : "GET",
          local_text + suffixes[n % 3], Clock(19, utc)};
}

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::string PostgresText(const std::vector<PostgresServer::Row>& rows) {
  std::string text;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) text += (i ? "\t" : "") + row[i].value_or("\\N");
    text += '\n';
  }
  return text;
}

bool WaitFor(const std::function<bool()>& done, seconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(200));
  }
  return done();
}

TEST(PageviewsExampleTest, HttpToKafkaToClickHouseAndPostgresGivesIdenticalRows) {
  auto clickhouse_or = ClickHouseServer::Shared();
  ASSERT_TRUE(clickhouse_or.ok()) << clickhouse_or.status().ToString();
  ClickHouseServer* clickhouse = *clickhouse_or;
  auto postgres_or = PostgresServer::Shared();
  ASSERT_TRUE(postgres_or.ok()) << postgres_or.status().ToString();
  PostgresServer* postgres = *postgres_or;

  // The example's DDL, as its README applies it.
  ASSERT_TRUE(clickhouse->Query("DROP TABLE IF EXISTS prd.user_footprint").ok());
  auto applied = Subprocess::Run(
      {kSluice, "clickhouse", "apply", kExample + "clickhouse.sql", "--url", clickhouse->url()}, {},
      seconds(60));
  ASSERT_TRUE(applied.ok());
  ASSERT_EQ(applied->exit_code, 0) << applied->stderr_text;
  ASSERT_TRUE(postgres->Query("DROP SCHEMA IF EXISTS prd CASCADE").ok());
  ASSERT_TRUE(postgres->Query(TempDir::Read(kExample + "postgres.sql")).ok());

  auto broker = Subprocess::Start(
      {kSluice, "kafka", "serve", "--partitions", "1", "--topics", "web-logs-topic"});
  ASSERT_TRUE(broker.ok()) << broker.status().message();
  ASSERT_TRUE((*broker)->ReadStdoutUntil(1, seconds(30)));
  const std::string brokers = SortedLines((*broker)->stdout_so_far()).at(0);

  const int port = FreeLoopbackPort();
  ASSERT_GT(port, 0);
  TempDir state;
  auto run = Subprocess::Start({kSluice, "run", kExample + "pipeline.sql"},
                               {{"KAFKA_BROKERS", brokers},
                                {"CLICKHOUSE_URL", clickhouse->url()},
                                {"POSTGRES_URL", postgres->url()},
                                {"SLUICE_PORT", std::to_string(port)},
                                {"SLUICE_TOKEN", kToken},
                                {"EPOCH_INTERVAL", "200 ms"},
                                {"STATE_DIR", state.File("state")}});
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_TRUE(WaitUntilServing(port, seconds(60)));

  std::vector<std::string> expected;
  httplib::Client client("127.0.0.1", port);
  client.set_bearer_token_auth(kToken);
  client.set_read_timeout(60);
  for (int r = 0; r < kRequests; ++r) {
    std::string body;
    for (int i = 0; i < kPerRequest; ++i) {
      PageView v = MakePageView(r * kPerRequest + i);
      body += "{\"link\":\"" + v.link + "\",\"method\":\"" + v.method + "\",\"footprint_time\":\"" +
              v.local_time + "\"}\n";
      expected.push_back(v.link + "\t" + v.method + "\t" + v.utc_time);
    }
    auto res = client.Post("/ingest/pageviews", body, "application/x-ndjson");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }
  std::sort(expected.begin(), expected.end());

  const std::string total = std::to_string(kRequests * kPerRequest);
  bool arrived = WaitFor(
      [&] {
        auto ch = clickhouse->Query("SELECT count() FROM prd.user_footprint");
        auto pg = postgres->Query("SELECT count(*) FROM prd.user_footprint");
        return ch.ok() && pg.ok() && SortedLines(*ch) == std::vector<std::string>{total} &&
               pg->size() == 1 && (*pg)[0][0] == total;
      },
      seconds(90));
  (*run)->Signal(SIGTERM);
  SubprocessOutput out = (*run)->Wait(seconds(60));
  (*broker)->Signal(SIGTERM);
  (*broker)->Wait(seconds(10));
  ASSERT_TRUE(arrived) << out.stderr_text;
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;

  auto ch_rows =
      clickhouse->Query("SELECT link, request, toString(footprint_time) FROM prd.user_footprint");
  ASSERT_TRUE(ch_rows.ok());
  auto pg_rows = postgres->Query(
      "SELECT link, request, to_char(footprint_time, 'YYYY-MM-DD HH24:MI:SS') "
      "FROM prd.user_footprint");
  ASSERT_TRUE(pg_rows.ok());
  EXPECT_EQ(SortedLines(*ch_rows), expected);
  EXPECT_EQ(SortedLines(PostgresText(*pg_rows)), expected);

  // The README's comparison query (page views per link and hour), in both dialects.
  auto ch_hourly = clickhouse->Query(
      "SELECT link, toString(toStartOfHour(footprint_time)), count() FROM prd.user_footprint "
      "GROUP BY link, toStartOfHour(footprint_time)");
  auto pg_hourly = postgres->Query(
      "SELECT link, to_char(date_trunc('hour', footprint_time), 'YYYY-MM-DD HH24:MI:SS'), "
      "count(*) FROM prd.user_footprint GROUP BY 1, 2");
  ASSERT_TRUE(ch_hourly.ok() && pg_hourly.ok());
  // 300 events from 04:45:00 to 04:49:59 UTC: one hour, links /products/0..6 (n % 7).
  std::vector<std::string> hourly = SortedLines(*ch_hourly);
  EXPECT_EQ(hourly.size(), 7u);
  EXPECT_EQ(hourly.at(0), "/products/0\t2025-05-19 04:00:00\t43");  // n = 0, 7, ..., 294
  EXPECT_EQ(SortedLines(PostgresText(*pg_hourly)), hourly);
}

}  // namespace
}  // namespace sluice::cli::testing
