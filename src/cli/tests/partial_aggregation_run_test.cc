// 'sink.aggregation' = 'partial': two `sluice run` processes, each over half of the orders, write
// partial TUMBLE aggregates into one ClickHouse table that 'sink.create-table' creates as a
// SummingMergeTree (MIN and MAX as AggregateFunction states); the merged result read with GROUP BY
// equals the aggregates computed here over all orders, and so does the table after OPTIMIZE FINAL
// (one row per key and window). An existing table of another engine is refused.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>

#include "cli/tests/subprocess.h"
#include "testing/clickhouse_server.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

const char* const kPipeline = R"sql(
SET 'pipeline.name' = 'partial-${PART}';
SET 'state.dir' = '';
CREATE TABLE orders (order_id BIGINT, symbol STRING, order_type STRING, quantity INT,
  price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${INPUT}', 'format' = 'json');

CREATE TABLE per_minute (symbol STRING NOT NULL, window_start TIMESTAMP(3) NOT NULL,
  window_end TIMESTAMP(3) NOT NULL, orders BIGINT, buys BIGINT, quantity BIGINT,
  total DOUBLE, lo DOUBLE, hi DOUBLE)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'partial',
      'table-name' = '${TABLE}', 'sink.create-table' = 'true', 'sink.aggregation' = 'partial');

INSERT INTO per_minute
SELECT symbol, window_start, window_end, COUNT(*), COUNT(*) FILTER (WHERE order_type = 'BUY'),
       SUM(quantity), SUM(price), MIN(price), MAX(price)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY symbol, window_start, window_end;
)sql";

struct Totals {
  int64_t orders = 0, buys = 0, quantity = 0;
  double total = 0, lo = 1e300, hi = -1e300;
};

// (symbol, window start in seconds) -> totals over every order.
using Expected = std::map<std::pair<std::string, int64_t>, Totals>;

// Writes 4000 orders in time order (10 minutes), every second one to each of two files, and
// returns their aggregates. Prices are multiples of 1/4, so every sum is exact in any order.
Expected WriteOrders(const TempDir& dir, std::string* first, std::string* second) {
  std::mt19937_64 rng(14);
  const char* symbols[] = {"AAPL", "MSFT", "NVDA", "TSLA", "AMZN"};
  std::string files[2];
  Expected expected;
  const int64_t start_ms = 1717200000000;  // 2024-06-01T00:00:00Z
  for (int i = 0; i < 4000; ++i) {
    int64_t ts = start_ms + i * 150;
    std::string symbol = symbols[rng() % 5];
    bool buy = rng() % 3 == 0;
    int quantity = static_cast<int>(rng() % 50) + 1;
    double price = static_cast<double>(rng() % 40000) / 4.0;
    files[i % 2] += fmt::format(
        "{{\"order_id\": {}, \"symbol\": \"{}\", \"order_type\": \"{}\", \"quantity\": {}, "
        "\"price\": {}, \"ts\": {}}}\n",
        i, symbol, buy ? "BUY" : "SELL", quantity, price, ts);
    Totals& t = expected[{symbol, (ts / 60000) * 60}];
    ++t.orders;
    t.buys += buy;
    t.quantity += quantity;
    t.total += price;
    t.lo = std::min(t.lo, price);
    t.hi = std::max(t.hi, price);
  }
  *first = dir.Write("a.ndjson", files[0]);
  *second = dir.Write("b.ndjson", files[1]);
  return expected;
}

std::string Format(const Expected& expected) {
  std::string out;
  for (const auto& [key, t] : expected) {
    out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", key.first, key.second, t.orders, t.buys,
                       t.quantity, t.total, t.lo, t.hi);
  }
  return out;
}

TEST(PartialAggregationRunTest, TwoProcessesWritePartialsThatClickHouseMerges) {
  auto server_or = sluice::testing::ClickHouseServer::Shared();
  ASSERT_TRUE(server_or.ok()) << server_or.status().ToString();
  sluice::testing::ClickHouseServer* server = *server_or;
  ASSERT_TRUE(server->Query("DROP DATABASE IF EXISTS partial").ok());
  TempDir dir;
  std::string first, second;
  const Expected expected = WriteOrders(dir, &first, &second);
  const std::string sql = dir.Write("p.sql", kPipeline);
  std::vector<std::unique_ptr<Subprocess>> runs;
  for (int part = 0; part < 2; ++part) {
    EnvVars env = {{"PART", std::to_string(part)},
                   {"INPUT", part == 0 ? first : second},
                   {"TABLE", "per_minute"},
                   {"CLICKHOUSE_URL", server->url()}};
    auto run = Subprocess::Start({kSluice, "run", sql}, env);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    runs.push_back(std::move(*run));
  }
  for (auto& run : runs) {
    SubprocessOutput out = run->Wait(seconds(60));
    ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  }
  auto engine = server->Query(
      "SELECT engine FROM system.tables WHERE database = 'partial' AND name = 'per_minute'");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ(*engine, "SummingMergeTree\n");
  auto columns = server->Query(
      "SELECT name, type FROM system.columns WHERE database = 'partial' AND table = 'per_minute' "
      "AND name IN ('total', 'lo', 'hi') FORMAT TabSeparated");
  ASSERT_TRUE(columns.ok()) << columns.status().ToString();
  EXPECT_EQ(*columns,
            "total\tNullable(Float64)\n"
            "lo\tAggregateFunction(min, Float64)\n"
            "hi\tAggregateFunction(max, Float64)\n");

  const std::string merged =
      "SELECT symbol, toUnixTimestamp(window_start), sum(orders), sum(buys), sum(quantity), "
      "sum(total), minMerge(lo), maxMerge(hi) FROM partial.per_minute GROUP BY symbol, "
      "window_start ORDER BY symbol, window_start FORMAT TabSeparated";
  auto rows = server->Query(merged);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, Format(expected));
  // Both processes wrote a partial row for (nearly) every key and window.
  auto raw = server->Query("SELECT count() FROM partial.per_minute");
  ASSERT_TRUE(raw.ok());
  EXPECT_GT(std::stoul(*raw), expected.size() + expected.size() / 2);

  ASSERT_TRUE(server->Query("OPTIMIZE TABLE partial.per_minute FINAL").ok());
  auto compacted = server->Query("SELECT count() FROM partial.per_minute");
  ASSERT_TRUE(compacted.ok());
  EXPECT_EQ(std::stoul(*compacted), expected.size());
  rows = server->Query(merged);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, Format(expected));
}

TEST(PartialAggregationRunTest, RefusesATableThatDoesNotMergePartials) {
  auto server_or = sluice::testing::ClickHouseServer::Shared();
  ASSERT_TRUE(server_or.ok()) << server_or.status().ToString();
  sluice::testing::ClickHouseServer* server = *server_or;
  ASSERT_TRUE(server->Query("CREATE DATABASE IF NOT EXISTS partial").ok());
  ASSERT_TRUE(server->Query("DROP TABLE IF EXISTS partial.plain").ok());
  ASSERT_TRUE(server
                  ->Query("CREATE TABLE partial.plain (symbol String, window_start DateTime, "
                          "window_end DateTime, orders Int64, buys Int64, quantity Int64, total "
                          "Float64, lo Float64, hi Float64) ENGINE = MergeTree() ORDER BY symbol")
                  .ok());
  TempDir dir;
  std::string first, second;
  WriteOrders(dir, &first, &second);
  EnvVars env = {
      {"PART", "0"}, {"INPUT", first}, {"TABLE", "plain"}, {"CLICKHOUSE_URL", server->url()}};
  auto run = Subprocess::Run({kSluice, "run", dir.Write("p.sql", kPipeline)}, env, seconds(60));
  ASSERT_TRUE(run.ok());
  EXPECT_NE(run->exit_code, 0);
  EXPECT_NE(run->stderr_text.find("only a SummingMergeTree merges; table partial.plain is "
                                  "MergeTree"),
            std::string::npos)
      << run->stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
