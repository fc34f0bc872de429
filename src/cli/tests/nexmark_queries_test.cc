// The Nexmark queries of bench/nexmark run by the engine on a small fixed-seed stream, checked
// against the same results computed here directly from the generated events (plain loops and
// maps, no SQL), and the `sluice bench nexmark` runner on one of them.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cli/nexmark_query_run.h"
#include "cli/pipeline_loader.h"
#include "common/logging.h"
#include "connectors/nexmark/nexmark_source.h"
#include "runtime/pipeline.h"
#include "testing/temp_dir.h"
#include "types/value.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kEvents = 200'000;
constexpr int64_t kRate = 5'000;  // 40 s of event time: 4 TUMBLE windows of 10 s

const std::string kQueryDir = std::string(SLUICE_SOURCE_DIR) + "/bench/nexmark";

struct BidRow {
  int64_t auction, bidder, price, date_time;
};

// The bids of the stream, read straight from the generator.
std::vector<BidRow> GeneratedBids() {
  std::vector<Field> fields = {{"auction", LogicalType::BigInt()},
                               {"bidder", LogicalType::BigInt()},
                               {"price", LogicalType::BigInt()},
                               {"dateTime", LogicalType::Timestamp(3)}};
  auto schema = std::make_shared<Schema>(fields);
  auto source = connectors::NexmarkSource::Create({{"connector", "nexmark"},
                                                   {"table", "bid"},
                                                   {"events.num", std::to_string(kEvents)},
                                                   {"first-event.rate", std::to_string(kRate)}},
                                                  "bid", schema, *schema);
  EXPECT_TRUE(source.ok()) << source.status().ToString();
  std::vector<BidRow> bids;
  while (source.ok() && !(*source)->Finished()) {
    auto polled = (*source)->Poll(4096);
    if (!polled.ok() || !polled->has_value()) break;
    const Batch& b = *(*polled)->batch;
    for (size_t r = 0; r < b.num_rows; ++r) {
      bids.push_back({b.column(0).ints()[r], b.column(1).ints()[r], b.column(2).ints()[r],
                      b.column(3).ints()[r]});
    }
  }
  return bids;
}

using Row = std::vector<std::string>;

// Rows of generated table `table` (columns `fields`), as text, read straight from the generator.
std::vector<Row> Generated(const std::string& table, const std::vector<Field>& fields) {
  auto schema = std::make_shared<Schema>(fields);
  auto source = connectors::NexmarkSource::Create({{"connector", "nexmark"},
                                                   {"table", table},
                                                   {"events.num", std::to_string(kEvents)},
                                                   {"first-event.rate", std::to_string(kRate)}},
                                                  table, schema, *schema);
  EXPECT_TRUE(source.ok()) << source.status().ToString();
  std::vector<Row> rows;
  while (source.ok() && !(*source)->Finished()) {
    auto polled = (*source)->Poll(4096);
    if (!polled.ok() || !polled->has_value()) break;
    const Batch& b = *(*polled)->batch;
    for (size_t r = 0; r < b.num_rows; ++r) {
      Row row;
      for (size_t c = 0; c < b.columns.size(); ++c) {
        row.push_back(Value::FromColumn(b.column(c), r).ToString());
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

// Collects every row written to a 'collect' sink, rendered as text.
class CollectSink : public runtime::SinkWriter {
 public:
  explicit CollectSink(std::vector<Row>* rows) : rows_(rows) {}
  Status Open() override { return Status::Ok(); }
  Status Write(EpochId, int, const Batch& batch) override {
    for (size_t r = 0; r < batch.num_rows; ++r) {
      Row row;
      for (size_t c = 0; c < batch.columns.size(); ++c) {
        row.push_back(Value::FromColumn(batch.column(c), r).ToString());
      }
      rows_->push_back(std::move(row));
    }
    return Status::Ok();
  }
  Status CommitEpoch(EpochId) override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }
  std::string Describe() const override { return "collect"; }

 private:
  std::vector<Row>* rows_;
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs bench/nexmark/<query>.sql with its sink replaced by a collecting one; returns the rows.
std::vector<Row> RunQuery(const std::string& query) {
  SetLogLevel(LogLevel::kWarn);
  testing::TempDir dir;
  std::string sql = ReadText(kQueryDir + "/" + query + ".sql");
  const std::string blackhole = "'connector' = 'blackhole'";
  EXPECT_NE(sql.find(blackhole), std::string::npos);
  sql.replace(sql.find(blackhole), blackhole.size(), "'connector' = 'collect'");
  const std::string path = dir.path() + "/" + query + ".sql";
  std::ofstream(path) << ReadText(kQueryDir + "/ddl.sql") << "\n" << sql;
  setenv("NEXMARK_EVENTS", std::to_string(kEvents).c_str(), 1);
  setenv("NEXMARK_RATE", std::to_string(kRate).c_str(), 1);
  std::vector<Row> rows;
  auto loaded = LoadPipeline(path, {{"state.dir", ""}});
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  if (!loaded.ok()) return rows;
  loaded->connectors->RegisterSink("collect", [&rows](const runtime::SinkContext&) {
    return Result<std::unique_ptr<runtime::SinkWriter>>(std::make_unique<CollectSink>(&rows));
  });
  auto pipeline = runtime::Pipeline::Create(loaded->plan, *loaded->connectors, *loaded->functions);
  EXPECT_TRUE(pipeline.ok()) << pipeline.status().ToString();
  if (!pipeline.ok()) return rows;
  std::atomic<bool> stop{false};
  Status s = (*pipeline)->Run(stop);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return rows;
}

std::string Millis(int64_t ms) { return Value::Int64(LogicalType::Timestamp(3), ms).ToString(); }

std::vector<Row> Sorted(std::vector<Row> rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST(NexmarkQueriesTest, Q1ConvertsEveryBidsPrice) {
  std::vector<Row> expected;
  for (const BidRow& b : GeneratedBids()) {
    // 0.908 * price with three decimals: price * 908 thousandths.
    expected.push_back({std::to_string(b.auction), std::to_string(b.bidder),
                        fmt::format("{}.{:03}", b.price * 908 / 1000, b.price * 908 % 1000)});
  }
  std::vector<Row> got;
  for (const Row& r : RunQuery("q1")) got.push_back({r[0], r[1], r[2]});
  EXPECT_EQ(got.size(), static_cast<size_t>(kEvents / 50 * 46));
  EXPECT_EQ(Sorted(got), Sorted(expected));
}

TEST(NexmarkQueriesTest, Q2SelectsTheBidsOfEvery123rdAuction) {
  std::vector<Row> expected;
  for (const BidRow& b : GeneratedBids()) {
    if (b.auction % 123 == 0)
      expected.push_back({std::to_string(b.auction), std::to_string(b.price)});
  }
  ASSERT_GT(expected.size(), 100u);
  EXPECT_EQ(Sorted(RunQuery("q2")), Sorted(expected));
}

TEST(NexmarkQueriesTest, Q5FindsTheAuctionsWithTheMostBidsOfEachSlidingWindowWithTies) {
  // Every 10 s window starting at a multiple of 2 s that holds a bid: bids per auction, then
  // every auction at the window's maximum.
  std::map<int64_t, std::map<int64_t, int64_t>> counts;  // window start -> auction -> bids
  for (const BidRow& b : GeneratedBids()) {
    const int64_t last = b.date_time - b.date_time % 2'000;
    for (int64_t start = last; start > b.date_time - 10'000; start -= 2'000) {
      ++counts[start][b.auction];
    }
  }
  std::vector<Row> expected;
  size_t tied_windows = 0;
  for (const auto& [start, per_auction] : counts) {
    int64_t max = 0;
    for (const auto& [auction, n] : per_auction) max = std::max(max, n);
    size_t hot = 0;
    for (const auto& [auction, n] : per_auction) {
      if (n != max) continue;
      expected.push_back(
          {std::to_string(auction), std::to_string(n), Millis(start), Millis(start + 10'000)});
      ++hot;
    }
    if (hot > 1) ++tied_windows;
  }
  ASSERT_GE(counts.size(), 20u);
  ASSERT_GE(tied_windows, 1u);  // the stream has ties: each tied auction is a row
  EXPECT_EQ(Sorted(RunQuery("q5")), Sorted(expected));
}

TEST(NexmarkQueriesTest, Q7FindsTheHighestBidsOfEachWindow) {
  const std::vector<BidRow> bids = GeneratedBids();
  std::map<int64_t, int64_t> max_price;  // window end -> highest price of the window
  for (const BidRow& b : bids) {
    const int64_t end = b.date_time - b.date_time % 10'000 + 10'000;
    max_price[end] = std::max(max_price[end], b.price);
  }
  std::vector<Row> expected;
  for (const auto& [end, price] : max_price) {
    for (const BidRow& b : bids) {
      if (b.price == price && b.date_time >= end - 10'000 && b.date_time <= end) {
        expected.push_back({std::to_string(b.auction), std::to_string(b.price),
                            std::to_string(b.bidder), Millis(b.date_time)});
      }
    }
  }
  ASSERT_GE(max_price.size(), 4u);
  std::vector<Row> got;
  for (const Row& r : RunQuery("q7")) got.push_back({r[0], r[1], r[2], r[3]});
  EXPECT_EQ(Sorted(got), Sorted(expected));
}

TEST(NexmarkQueriesTest, Q8FindsPeopleWhoSellInTheWindowTheyRegisteredIn) {
  const auto ts = LogicalType::Timestamp(3);
  std::vector<Row> persons = Generated(
      "person", {{"id", LogicalType::BigInt()}, {"name", LogicalType::String()}, {"dateTime", ts}});
  std::vector<Row> auctions =
      Generated("auction", {{"seller", LogicalType::BigInt()}, {"dateTime", ts}});
  // "yyyy-MM-dd HH:mm:ss.SSS" without the last digit of the seconds: the 10-second window.
  auto window_of = [](const std::string& time) { return time.substr(0, 18); };
  std::set<std::pair<std::string, std::string>> sellers;  // (seller, window)
  for (const Row& a : auctions) sellers.insert({a[0], window_of(a[1])});
  std::vector<Row> expected;
  for (const Row& p : persons) {
    if (sellers.count({p[0], window_of(p[2])})) {
      expected.push_back({p[0], p[1], window_of(p[2]) + "0.000"});
    }
  }
  ASSERT_GT(expected.size(), 10u);
  EXPECT_EQ(Sorted(RunQuery("q8")), Sorted(expected));
}

TEST(NexmarkQueriesTest, Q14ClassifiesBidsInThePriceRangeAndCountsCs) {
  const auto ts = LogicalType::Timestamp(3);
  std::vector<Row> bids = Generated("bid", {{"auction", LogicalType::BigInt()},
                                            {"price", LogicalType::BigInt()},
                                            {"dateTime", ts},
                                            {"extra", LogicalType::String()}});
  std::vector<Row> expected;
  for (const Row& b : bids) {
    const int64_t thousandths = std::stoll(b[1]) * 908;  // 0.908 * price
    if (thousandths <= 1'000'000'000 || thousandths >= 50'000'000'000) continue;
    const int hour = std::stoi(b[2].substr(11, 2));  // "yyyy-MM-dd HH:..."
    const char* type = hour >= 8 && hour <= 18   ? "dayTime"
                       : hour <= 6 || hour >= 20 ? "nightTime"
                                                 : "otherTime";
    expected.push_back({b[0], fmt::format("{}.{:03}", thousandths / 1000, thousandths % 1000), type,
                        b[2], std::to_string(std::count(b[3].begin(), b[3].end(), 'c'))});
  }
  ASSERT_GT(expected.size(), 1000u);
  std::vector<Row> got;
  for (const Row& r : RunQuery("q14")) got.push_back({r[0], r[2], r[3], r[4], r[6]});
  EXPECT_EQ(Sorted(got), Sorted(expected));
}

TEST(NexmarkQueriesTest, BenchRunnerReportsEachQuerysRowsCpuAndMemory) {
  NexmarkBenchOptions options;
  options.query_dir = kQueryDir;
  options.events = kEvents;
  options.rate = kRate;
  auto run = RunNexmarkQuery(options, "q2");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  int64_t expected = 0;
  for (const BidRow& b : GeneratedBids()) expected += b.auction % 123 == 0;
  EXPECT_EQ(run->rows_out, expected);
  EXPECT_EQ(run->events, kEvents);
  EXPECT_GT(run->cpu_seconds, 0);
  EXPECT_GT(run->wall_seconds, 0);
  EXPECT_GT(run->peak_rss_kb, 1000);
  std::string table = FormatNexmarkTable({*run});
  EXPECT_NE(table.find("175k"), std::string::npos) << table;  // Flink's q2 per core
  auto missing = RunNexmarkQuery(options, "q99");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("q99.sql"), std::string::npos);
}

}  // namespace
}  // namespace sluice::cli
