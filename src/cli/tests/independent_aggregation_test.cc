// The engine's acceptance test: a few thousand order events in an NDJSON file, aggregated by
// `sluice run` into 1-minute TUMBLE and 1-minute-slide / 5-minute-size HOP windows per symbol,
// compared row by row with the same aggregation computed independently by a Python script
// (independent_aggregation.py) that parses the ISO-8601 event times with datetime.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "cli/tests/subprocess.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
const char* const kScript = SLUICE_SOURCE_DIR "/src/cli/tests/independent_aggregation.py";

// 2024-02-29T01:00:00Z in epoch milliseconds: a leap day, and -03:00 local times fall on the
// day before.
constexpr int64_t kStartMillis = 1709168400000;
constexpr int kRows = 3000;
constexpr int kSymbols = 5;

const char* const kPipeline = R"sql(
SET 'pipeline.name' = 'independent_aggregation';

CREATE TABLE orders (
  order_id   BIGINT,
  user_id    BIGINT,
  symbol     STRING,
  order_type STRING,
  quantity   INT,
  price      DOUBLE,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${ORDERS}', 'format' = 'json');

CREATE TABLE tumble_out (
  symbol STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3),
  order_count BIGINT, buy_count BIGINT, total_quantity BIGINT, notional DOUBLE,
  min_price DOUBLE, max_price DOUBLE, avg_price DOUBLE
) WITH ('connector' = 'filesystem', 'path' = '${OUT_DIR}/tumble.csv', 'format' = 'csv');

CREATE TABLE hop_out (
  symbol STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3),
  order_count BIGINT, buy_count BIGINT, total_quantity BIGINT, notional DOUBLE,
  min_price DOUBLE, max_price DOUBLE, avg_price DOUBLE
) WITH ('connector' = 'filesystem', 'path' = '${OUT_DIR}/hop.json', 'format' = 'json');

INSERT INTO tumble_out
SELECT symbol, window_start, window_end, COUNT(*),
       COUNT(*) FILTER (WHERE order_type = 'BUY'),
       SUM(quantity), SUM(CAST(quantity * price AS DOUBLE)),
       MIN(price), MAX(price), AVG(price)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
GROUP BY symbol, window_start, window_end;

INSERT INTO hop_out
SELECT symbol, window_start, window_end, COUNT(*),
       COUNT(*) FILTER (WHERE order_type = 'BUY'),
       SUM(quantity), SUM(CAST(quantity * price AS DOUBLE)),
       MIN(price), MAX(price), AVG(price)
FROM TABLE(HOP(TABLE orders, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE))
GROUP BY symbol, window_start, window_end;
)sql";

// Formats `utc_millis` as local time at `offset_minutes` east of UTC, ISO-8601 with the offset
// ("Z" for 0 when `zulu`), with gmtime_r and fmt only (independent of sluice's time formatting).
std::string IsoTime(int64_t utc_millis, int offset_minutes, bool zulu) {
  int64_t local = utc_millis + int64_t{offset_minutes} * 60000;
  time_t secs = static_cast<time_t>(local / 1000);
  struct tm tm_utc;
  gmtime_r(&secs, &tm_utc);
  char buf[64];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm_utc);
  std::string s = buf;
  if (local % 1000 != 0) {
    s += fmt::format(".{:03}", local % 1000);
  }
  if (zulu) return s + "Z";
  const int m = std::abs(offset_minutes);
  return s + fmt::format("{}{:02}:{:02}", offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
}

// Orders spread over 20 minutes from 01:00:05Z: row i's nominal time is start + 5 s + 398 ms * i,
// and its event time is up to 3 s before that; rows whose nominal time is less than 3 s past a
// minute are moved to the minute's first millisecond or the last one before it (window bounds).
// So every event time is at most 3001 ms behind the maximum seen before it, which is less than
// the 5 s watermark delay: nothing is late. Whole seconds are written without a fraction.
std::string OrdersNdjson() {
  static const char* const kNames[kSymbols] = {"AAPL", "MSFT", "NVDA", "TSLA", "AMZN"};
  std::mt19937_64 rng(20240310);
  std::string out;
  for (int i = 0; i < kRows; ++i) {
    int64_t nominal = kStartMillis + 5000 + int64_t{398} * i;
    int64_t t = nominal - static_cast<int64_t>(rng() % 3001);
    int64_t into_minute = nominal % 60000;
    if (into_minute < 3000) {  // exactly on a window boundary, or 1 ms before it
      t = nominal - into_minute - (i % 2);
    }
    int zone = i % 3;
    std::string when = zone == 0   ? IsoTime(t, 0, true)
                       : zone == 1 ? IsoTime(t, 330, false)
                                   : IsoTime(t, -180, false);
    int cents = 1000 + static_cast<int>(rng() % 49001);
    char line[256];
    std::snprintf(line, sizeof(line),
                  "{\"order_id\": %d, \"user_id\": %d, \"symbol\": \"%s\", \"order_type\": \"%s\", "
                  "\"quantity\": %d, \"price\": %d.%02d, \"event_time\": \"%s\"}\n",
                  100000 + i, 1 + static_cast<int>(rng() % 500), kNames[rng() % kSymbols],
                  rng() % 2 == 0 ? "BUY" : "SELL", 1 + static_cast<int>(rng() % 1000), cents / 100,
                  cents % 100, when.c_str());
    out += line;
  }
  return out;
}

std::string FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = dir + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

using Rows = std::vector<std::vector<std::string>>;

// Splits CSV lines (no quoted fields: symbols and timestamps have no commas) and sorts them by
// (window_start, symbol).
Rows ParseSorted(const std::string& text) {
  Rows rows;
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) fields.push_back(cell);
    rows.push_back(std::move(fields));
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(a.at(1), a.at(0)) < std::tie(b.at(1), b.at(0));
  });
  return rows;
}

const char* const kColumns[] = {"symbol",    "window_start",   "window_end", "order_count",
                                "buy_count", "total_quantity", "notional",   "min_price",
                                "max_price", "avg_price"};

// Reads the json format's lines (flat objects: {"name":value,...}, strings without escapes) into
// rows of field texts, checking the field names against kColumns; sorted as ParseSorted does.
Rows ParseJsonSorted(const std::string& text) {
  std::string csv;
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    EXPECT_TRUE(line.front() == '{' && line.back() == '}') << line;
    size_t pos = 1, column = 0;
    while (pos < line.size() - 1) {
      size_t name_end = line.find("\":", pos + 1);
      EXPECT_NE(name_end, std::string::npos) << line;
      if (name_end == std::string::npos) break;
      EXPECT_LT(column, std::size(kColumns)) << line;
      if (column < std::size(kColumns)) {
        EXPECT_EQ(line.substr(pos + 1, name_end - pos - 1), kColumns[column]) << line;
      }
      size_t value = name_end + 2;
      size_t value_end = line[value] == '"' ? line.find('"', value + 1) + 1 : value;
      value_end = line.find_first_of(",}", value_end);
      std::string v = line.substr(value, value_end - value);
      if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
      csv += (column++ == 0 ? "" : ",") + v;
      pos = value_end + 1;
    }
    csv += "\n";
  }
  return ParseSorted(csv);
}

// Compares sluice's rows with the expected ones: symbol, window bounds and counts exactly, the
// DOUBLE columns (notional, min, max, avg) to a relative 1e-9.
void ExpectSameRows(const Rows& actual, const Rows& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t r = 0; r < actual.size(); ++r) {
    ASSERT_EQ(actual[r].size(), 10u) << what << " row " << r;
    ASSERT_EQ(expected[r].size(), 10u) << what << " row " << r;
    for (size_t c = 0; c < 6; ++c) {
      EXPECT_EQ(actual[r][c], expected[r][c]) << what << " row " << r << " column " << c;
    }
    for (size_t c = 6; c < 10; ++c) {
      double a = std::strtod(actual[r][c].c_str(), nullptr);
      double e = std::strtod(expected[r][c].c_str(), nullptr);
      EXPECT_LE(std::fabs(a - e), 1e-9 * std::fabs(e))
          << what << " row " << r << " column " << c << ": " << actual[r][c] << " vs "
          << expected[r][c];
    }
  }
}

// Splits the NDJSON text into `parts` files of `dir`/orders/ (runs of 7 lines in turn), for a
// filesystem source with one split per file. Returns the directory.
std::string WriteSplits(const TempDir& dir, const std::string& ndjson, int parts) {
  std::filesystem::create_directories(dir.File("orders"));
  std::vector<std::string> texts(parts);
  std::stringstream lines(ndjson);
  std::string line;
  for (int i = 0; std::getline(lines, line); ++i) texts[(i / 7) % parts] += line + "\n";
  for (int p = 0; p < parts; ++p)
    dir.Write("orders/part-" + std::to_string(p) + ".ndjson", texts[p]);
  return dir.File("orders");
}

// Runs the pipeline over the orders (one file, or `splits` files), with `extra_args` after
// `run`, and compares its output with the independent computation over the whole file.
void RunAndCompare(int splits, const std::vector<std::string>& extra_args) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string python = FindOnPath("python3");
  ASSERT_FALSE(python.empty()) << "python3 is not on PATH (scripts/install-deps.sh installs it)";
  const std::string ndjson = OrdersNdjson();
  std::string orders = dir.Write("orders.ndjson", ndjson);
  std::string input = splits > 1 ? WriteSplits(dir, ndjson, splits) : orders;
  std::string sql = dir.Write("orders.sql", kPipeline);

  std::vector<std::string> argv = {kSluice, "run"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  argv.push_back(sql);
  auto run = Subprocess::Run(argv, {{"ORDERS", input}, {"OUT_DIR", dir.File("out")}}, seconds(120));
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_FALSE(run->timed_out);
  ASSERT_EQ(run->exit_code, 0) << run->stderr_text;

  auto expected = Subprocess::Run(
      {python, kScript, orders, dir.File("expected_tumble.csv"), dir.File("expected_hop.csv")}, {},
      seconds(120));
  ASSERT_TRUE(expected.ok()) << expected.status().message();
  ASSERT_EQ(expected->exit_code, 0) << expected->stderr_text;

  Rows tumble = ParseSorted(TempDir::Read(dir.File("out/tumble.csv")));
  Rows hop = ParseJsonSorted(TempDir::Read(dir.File("out/hop.json")));
  Rows expected_tumble = ParseSorted(TempDir::Read(dir.File("expected_tumble.csv")));
  Rows expected_hop = ParseSorted(TempDir::Read(dir.File("expected_hop.csv")));

  // Event times span [01:00:02, 01:19:59]: 20 one-minute windows per symbol; the HOP windows
  // containing them start from 00:56 to 01:19, 24 per symbol. Every symbol trades every minute.
  EXPECT_EQ(expected_tumble.size(), 20u * kSymbols);
  EXPECT_EQ(expected_hop.size(), 24u * kSymbols);
  EXPECT_EQ(tumble.size(), 20u * kSymbols);
  EXPECT_EQ(hop.size(), 24u * kSymbols);
  ExpectSameRows(tumble, expected_tumble, "TUMBLE");
  ExpectSameRows(hop, expected_hop, "HOP");

  // Every order is counted once per TUMBLE window and five times over the HOP windows.
  int64_t tumble_orders = 0, hop_orders = 0;
  for (const auto& row : tumble) tumble_orders += std::stoll(row.at(3));
  for (const auto& row : hop) hop_orders += std::stoll(row.at(3));
  EXPECT_EQ(tumble_orders, kRows);
  EXPECT_EQ(hop_orders, 5 * kRows);
}

TEST(IndependentAggregationTest, TumbleAndHopMatchAnIndependentComputation) {
  RunAndCompare(1, {});
}

// Three files read round robin in 50-row batches: the pipeline watermark is the minimum over the
// splits, each split is in order within the delay, so nothing is late and the result is the same.
TEST(IndependentAggregationTest, ThreeSplitsInSmallBatchesGiveTheSameResult) {
  RunAndCompare(3, {"--set", "execution.batch-size=50"});
}

}  // namespace
}  // namespace sluice::cli::testing
