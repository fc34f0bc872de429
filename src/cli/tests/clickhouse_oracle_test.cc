// The ClickHouse oracle: `sluice run` reads an NDJSON file of events and writes the raw events to
// ClickHouse table `raw` and their 1-minute TUMBLE aggregates per key to `agg`; ClickHouse then
// recomputes the aggregates from `raw` with GROUP BY toStartOfMinute(ts), and both must agree
// (integers exactly, floats to a relative 1e-9).

#include <gtest/gtest.h>
#include <time.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli/tests/subprocess.h"
#include "testing/clickhouse_server.h"
#include "testing/clickhouse_test_environment.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

// 2024-03-01T10:00:00Z in epoch milliseconds.
constexpr int64_t kStartMillis = 1709287200000;
constexpr int kRows = 3000;
constexpr int kKeys = 4;
constexpr int kMinutes = 10;

const char* const kPipeline = R"sql(
SET 'pipeline.name' = 'clickhouse_oracle';

CREATE TABLE events (
  k  STRING,
  v  BIGINT,
  x  DOUBLE,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${EVENTS}', 'format' = 'json');

CREATE TABLE raw (k STRING, v BIGINT, x DOUBLE, ts TIMESTAMP(3)) WITH (
  'connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'oracle',
  'table-name' = 'raw', 'sink.batch-size' = '700');

CREATE TABLE agg (
  k STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3), cnt BIGINT,
  sum_v BIGINT, min_v BIGINT, max_v BIGINT,
  sum_x DOUBLE, min_x DOUBLE, max_x DOUBLE, avg_x DOUBLE
) WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'oracle',
        'table-name' = 'agg');

INSERT INTO raw SELECT k, v, x, ts FROM events;

INSERT INTO agg
SELECT k, window_start, window_end, COUNT(*), SUM(v), MIN(v), MAX(v),
       SUM(x), MIN(x), MAX(x), AVG(x)
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY k, window_start, window_end;
)sql";

std::string IsoUtc(int64_t millis) {
  time_t secs = static_cast<time_t>(millis / 1000);
  struct tm tm_utc;
  gmtime_r(&secs, &tm_utc);
  char buf[64];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm_utc);
  char out[80];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buf, static_cast<int>(millis % 1000));
  return out;
}

// Events 200 ms apart over 10 minutes from 10:00:00Z, each up to 2 s before its nominal time
// (clamped to 10:00:00), so nothing is later than the 5 s watermark delay. v is a signed integer
// up to ±10^12 (sums stay exact in Int64), x a double with a fraction.
std::string EventsNdjson() {
  std::mt19937_64 rng(20240301);
  std::string out;
  for (int i = 0; i < kRows; ++i) {
    int64_t t = std::max(kStartMillis,
                         kStartMillis + int64_t{200} * i - static_cast<int64_t>(rng() % 2001));
    int64_t v = static_cast<int64_t>(rng() % 2000000000001ULL) - 1000000000000LL;
    double x = static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000) / 7.0;
    char line[200];
    std::snprintf(line, sizeof(line),
                  "{\"k\": \"key%d\", \"v\": %lld, \"x\": %.17g, \"ts\": \"%s\"}\n",
                  static_cast<int>(rng() % kKeys), static_cast<long long>(v), x, IsoUtc(t).c_str());
    out += line;
  }
  return out;
}

std::vector<std::vector<std::string>> Tsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, '\t')) fields.push_back(cell);
    rows.push_back(std::move(fields));
  }
  return rows;
}

std::string Query(sluice::testing::ClickHouseServer* server, const std::string& sql) {
  auto out = server->Query(sql);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : "";
}

TEST(ClickHouseOracleTest, TumbleAggregatesMatchClickHousesOwnAggregationOfTheRawEvents) {
  auto server_or = sluice::testing::ClickHouseServer::Shared();
  ASSERT_TRUE(server_or.ok()) << server_or.status().ToString();
  sluice::testing::ClickHouseServer* server = *server_or;
  Query(server, "DROP DATABASE IF EXISTS oracle");
  Query(server, "CREATE DATABASE oracle");
  Query(server,
        "CREATE TABLE oracle.raw (k String, v Int64, x Float64, ts DateTime) "
        "ENGINE = MergeTree ORDER BY (k, ts)");
  Query(server,
        "CREATE TABLE oracle.agg (k String, window_start DateTime, window_end DateTime, "
        "cnt UInt64, sum_v Int64, min_v Int64, max_v Int64, sum_x Float64, min_x Float64, "
        "max_x Float64, avg_x Float64) ENGINE = MergeTree ORDER BY (k, window_start)");

  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string events = dir.Write("events.ndjson", EventsNdjson());
  std::string sql = dir.Write("oracle.sql", kPipeline);
  auto run = Subprocess::Run({kSluice, "run", sql},
                             {{"EVENTS", events}, {"CLICKHOUSE_URL", server->url()}}, seconds(120));
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_FALSE(run->timed_out);
  ASSERT_EQ(run->exit_code, 0) << run->stderr_text;

  EXPECT_EQ(Query(server, "SELECT count(), uniqExact(k) FROM oracle.raw FORMAT TabSeparated"),
            std::to_string(kRows) + "\t" + std::to_string(kKeys) + "\n");
  auto expected = Tsv(Query(server,
                            "SELECT k, toStartOfMinute(ts) AS ws, ws + 60, count(), sum(v), "
                            "min(v), max(v), sum(x), min(x), max(x), avg(x) FROM oracle.raw "
                            "GROUP BY k, ws ORDER BY ws, k FORMAT TabSeparated"));
  auto actual = Tsv(Query(server,
                          "SELECT k, window_start, window_end, cnt, sum_v, min_v, max_v, sum_x, "
                          "min_x, max_x, avg_x FROM oracle.agg ORDER BY window_start, k "
                          "FORMAT TabSeparated"));
  // Every key has events in each of the 10 minutes (about 75 per key and minute).
  ASSERT_EQ(expected.size(), static_cast<size_t>(kKeys * kMinutes));
  ASSERT_EQ(actual.size(), expected.size());
  int64_t counted = 0;
  for (size_t r = 0; r < actual.size(); ++r) {
    ASSERT_EQ(actual[r].size(), 11u) << r;
    ASSERT_EQ(expected[r].size(), 11u) << r;
    for (size_t c = 0; c < 7; ++c) {
      EXPECT_EQ(actual[r][c], expected[r][c]) << "row " << r << " column " << c;
    }
    for (size_t c = 7; c < 11; ++c) {
      double a = std::strtod(actual[r][c].c_str(), nullptr);
      double e = std::strtod(expected[r][c].c_str(), nullptr);
      EXPECT_LE(std::fabs(a - e), 1e-9 * std::fabs(e))
          << "row " << r << " column " << c << ": " << actual[r][c] << " vs " << expected[r][c];
    }
    counted += std::stoll(actual[r][3]);
  }
  EXPECT_EQ(counted, kRows);
  EXPECT_EQ(actual.front()[1], "2024-03-01 10:00:00");
  EXPECT_EQ(actual.back()[2], "2024-03-01 10:10:00");
}

}  // namespace
}  // namespace sluice::cli::testing
