// examples/adtech end to end against real servers: the development Kafka broker, ClickHouse (the
// shared fixture), the example's clickhouse.sql and pipeline.sql as shipped. Input: 3,000 events
// of the ad-events scenario (seed 42) at fixed times 100 ms apart from 2024-01-01 00:00:00 UTC,
// sent as NDJSON. The expected 1-minute aggregates are computed here from the same events; the
// raw table must hold every event once, and ClickHouse's own aggregation of the raw rows must
// equal the pipeline's aggregates, each group written once.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "cli/tests/example_pipeline_run.h"
#include "connectors/datagen/ad_events_scenario.h"
#include "testing/clickhouse_server.h"
#include "testing/clickhouse_test_environment.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::connectors::AdEvent;
using ::sluice::connectors::AdEventsScenario;
using ::sluice::testing::ClickHouseServer;
using std::chrono::seconds;
constexpr auto SortedLines = &ExamplePipelineRun::SortedLines;

constexpr int64_t kT0 = 1'704'067'200'000;  // 2024-01-01 00:00:00 UTC
constexpr int kEvents = 3000;
constexpr int64_t kWatermarkDelayMs = 10'000;  // pipeline.sql

int64_t FloorMinute(int64_t ms) { return ms - ((ms % 60'000) + 60'000) % 60'000; }

std::string MinuteText(int64_t ms) {
  int64_t s = (ms - kT0) / 1000;
  if (s < 0) return fmt::format("2023-12-31 23:{:02}:00", 60 + s / 60);
  return fmt::format("2024-01-01 00:{:02}:00", s / 60);
}

struct Group {
  int64_t count = 0;
  double revenue = 0;
};

TEST(ExamplesAdtechTest, MinuteAggregatesAndRawEventsMatchTheInput) {
  auto clickhouse_or = ClickHouseServer::Shared();
  ASSERT_TRUE(clickhouse_or.ok()) << clickhouse_or.status().ToString();
  ClickHouseServer* clickhouse = *clickhouse_or;
  for (const char* t : {"ad_events_aggregated", "ad_events_raw"}) {
    ASSERT_TRUE(clickhouse->Query(std::string("DROP TABLE IF EXISTS rtb.") + t).ok());
  }

  AdEventsScenario scenario(42);
  std::vector<std::string> lines;
  std::vector<AdEvent> events;
  int64_t max_ts = 0;
  for (int i = 0; i < kEvents; ++i) {
    scenario.Next(kT0 + i * 100);
    lines.push_back(scenario.ToJson());
    events.push_back(scenario.event());
    max_ts = std::max(max_ts, scenario.event().ts_ms);
  }
  // Windows whose end the final watermark reached; nothing is late (disorder <= 3 s < 10 s).
  const int64_t watermark = max_ts - kWatermarkDelayMs;
  const int64_t closed_end = FloorMinute(watermark);
  std::map<std::tuple<int64_t, std::string_view, std::string_view, std::string_view>, Group> groups;
  std::map<std::string_view, int64_t> impressions, clicks;
  for (const AdEvent& e : events) {
    const int64_t start = FloorMinute(e.ts_ms);
    if (start + 60'000 > closed_end) continue;
    Group& g = groups[{start, e.event_type, e.country, e.ad_format}];
    ++g.count;
    g.revenue += e.revenue;
    (e.event_type == "click" ? clicks : impressions)[e.ad_format] += 1;
  }
  std::vector<std::string> expected;
  for (const auto& [key, g] : groups) {
    const auto& [start, type, country, format] = key;
    expected.push_back(fmt::format("{}\t{}\t{}\t{}\t{}\t{}", MinuteText(start), type, country,
                                   format, g.count, std::llround(g.revenue * 1e6)));
  }
  std::sort(expected.begin(), expected.end());
  ASSERT_GT(expected.size(), 100u);

  auto run = ExamplePipelineRun::Start("adtech", clickhouse->url(), "ad-events", {});
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_TRUE((*run)->Produce(lines).ok());
  const std::string closed = fmt::format("toDateTime({})", closed_end / 1000);
  std::vector<std::string> rows;
  bool arrived = ExamplePipelineRun::WaitFor(
      [&] {
        auto raw = clickhouse->Query("SELECT count() FROM rtb.ad_events_raw");
        auto agg = clickhouse->Query(
            "SELECT toString(window_start), event_type, country, ad_format, event_count, "
            "toInt64(round(total_revenue * 1000000)) FROM rtb.ad_events_aggregated");
        if (agg.ok()) rows = SortedLines(*agg);
        return raw.ok() && *raw == fmt::format("{}\n", kEvents) && rows == expected;
      },
      seconds(60));
  SubprocessOutput out = (*run)->Stop();
  ASSERT_TRUE(arrived) << rows.size() << " of " << expected.size() << " groups\n"
                       << out.stderr_text;
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;

  // avg_revenue = total_revenue / event_count in every row.
  auto bad_avg = clickhouse->Query(
      "SELECT count() FROM rtb.ad_events_aggregated "
      "WHERE abs(avg_revenue * event_count - total_revenue) > 1e-9");
  ASSERT_TRUE(bad_avg.ok());
  EXPECT_EQ(*bad_avg, "0\n");
  // ClickHouse's own aggregation of the raw rows agrees (every event once, each group once).
  auto from_raw = clickhouse->Query(
      "SELECT toString(toStartOfMinute(timestamp)), event_type, country, ad_format, count(), "
      "toInt64(round(sum(revenue) * 1000000)) FROM rtb.ad_events_raw WHERE timestamp < " +
      closed + " GROUP BY toStartOfMinute(timestamp), event_type, country, ad_format");
  ASSERT_TRUE(from_raw.ok());
  EXPECT_EQ(SortedLines(*from_raw), expected);
  auto raw_ids = clickhouse->Query("SELECT uniqExact(event_id) FROM rtb.ad_events_raw");
  ASSERT_TRUE(raw_ids.ok());
  EXPECT_EQ(*raw_ids, fmt::format("{}\n", kEvents));

  // The README's CTR-by-format query over the aggregates.
  auto by_format = clickhouse->Query(
      "SELECT ad_format, sum(CASE WHEN event_type = 'impression' THEN event_count ELSE 0 END) AS "
      "impressions, sum(CASE WHEN event_type = 'click' THEN event_count ELSE 0 END) AS clicks "
      "FROM rtb.ad_events_aggregated GROUP BY ad_format");
  ASSERT_TRUE(by_format.ok());
  std::vector<std::string> format_expected;
  for (std::string_view f : AdEventsScenario::Formats()) {
    format_expected.push_back(fmt::format("{}\t{}\t{}", f, impressions[f], clicks[f]));
    // Loose: ~800 impressions per format in four minutes.
    EXPECT_NEAR(static_cast<double>(clicks[f]) / impressions[f], AdEventsScenario::FormatCtr(f),
                0.05)
        << f;
  }
  std::sort(format_expected.begin(), format_expected.end());
  EXPECT_EQ(SortedLines(*by_format), format_expected);
}

}  // namespace
}  // namespace sluice::cli::testing
