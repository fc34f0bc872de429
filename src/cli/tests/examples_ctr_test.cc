// examples/ctr end to end against real servers: the development Kafka broker, ClickHouse (the
// shared fixture), the example's clickhouse.sql and pipeline.sql as shipped (one topic instead of
// two, through CTR_TOPICS). The input is written by hand so that every expected row follows from
// it: three products over three 10-second windows, then, after those windows were written, one
// late click (within the 5 s of allowed lateness: it updates its window) and one too-late click
// (dropped). Checked: ctr_results_raw FINAL, both materialized views.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/tests/example_pipeline_run.h"
#include "testing/clickhouse_server.h"
#include "testing/clickhouse_test_environment.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::ClickHouseServer;
using std::chrono::seconds;
constexpr auto SortedLines = &ExamplePipelineRun::SortedLines;

constexpr int64_t kT0 = 1'704'067'200'000;  // 2024-01-01 00:00:00 UTC

std::string Event(std::string_view type, int64_t id, std::string_view product, int64_t ts_ms) {
  return fmt::format(
      R"({{"event_type":"{}","event_id":{},"impression_id":{},"product_id":"{}","user_id":{},)"
      R"("ts_ms":{}}})",
      type, id, id, product, id % 97, ts_ms);
}

std::string Product(int p) { return fmt::format("P0{}", p + 1); }
// Product p in window w (0..2) has 20 + 5p + w impressions and p + w + 1 clicks.
int Impressions(int p, int w) { return 20 + 5 * p + w; }
int Clicks(int p, int w) { return p + w + 1; }

std::string Row(const std::string& product, int window, int impressions, int clicks) {
  const double ctr = impressions > 0 ? static_cast<double>(clicks) / impressions : 0.0;
  return fmt::format("{}\t2024-01-01 00:00:{:02}\t2024-01-01 00:00:{:02}\t{}\t{}\t{}", product,
                     window * 10, window * 10 + 10, impressions, clicks, std::llround(ctr * 1e6));
}

constexpr const char* kFinalRows =
    "SELECT product_id, toString(window_start), toString(window_end), impressions, clicks, "
    "toInt64(round(ctr * 1000000)) FROM ctr.ctr_results_raw FINAL WHERE _sluice_deleted = 0";

// One event of the input; `click` labels it for the reader (all go to the one topic).
struct Message {
  bool click;
  std::string json;
};

// Sends `messages` in order to the run's topic; returns whether every message was sent.
bool Send(ExamplePipelineRun* run, const std::vector<Message>& messages) {
  std::vector<std::string> lines;
  for (const Message& m : messages) lines.push_back(m.json);
  return run->Produce(lines).ok();
}

// The whole check, with impressions and clicks on one topic (CTR_TOPICS).
void CheckLateClickUpdatesItsWindow() {
  auto clickhouse_or = ClickHouseServer::Shared();
  ASSERT_TRUE(clickhouse_or.ok()) << clickhouse_or.status().ToString();
  ClickHouseServer* clickhouse = *clickhouse_or;
  for (const char* t : {"ctr_ml_view", "ctr_latest_view", "ctr_results_raw"}) {
    ASSERT_TRUE(clickhouse->Query(std::string("DROP TABLE IF EXISTS ctr.") + t).ok());
  }
  auto run = ExamplePipelineRun::Start("ctr", clickhouse->url(), "ctr-events",
                                       {{"CTR_TOPICS", "ctr-events"}});
  ASSERT_TRUE(run.ok()) << run.status().message();

  // Phase 1: windows [0,10), [10,20), [20,30) s of P01..P03, then a P04 impression at 33.5 s:
  // the watermark (33.5 - 2 = 31.5 s) passes the three windows' ends.
  std::vector<Message> messages;
  int64_t id = 1;
  for (int w = 0; w < 3; ++w) {
    for (int p = 0; p < 3; ++p) {
      for (int i = 0; i < Impressions(p, w); ++i) {
        messages.push_back(
            {false, Event("impression", id++, Product(p), kT0 + w * 10'000 + 1000 + i * 100)});
      }
      for (int i = 0; i < Clicks(p, w); ++i) {
        messages.push_back(
            {true, Event("click", id++, Product(p), kT0 + w * 10'000 + 5000 + i * 100)});
      }
    }
  }
  messages.push_back({false, Event("impression", id++, "P04", kT0 + 33'500)});
  ASSERT_TRUE(Send(run->get(), messages));
  auto wait_for = [&](const std::string& sql, const std::string& answer) {
    return ExamplePipelineRun::WaitFor(
        [&] {
          auto n = clickhouse->Query(sql);
          return n.ok() && *n == answer;
        },
        seconds(60));
  };
  if (!wait_for("SELECT count() FROM ctr.ctr_results_raw FINAL WHERE product_id != 'P04'", "9\n")) {
    auto rows = clickhouse->Query("SELECT * FROM ctr.ctr_results_raw ORDER BY _sluice_version");
    FAIL() << (rows.ok() ? *rows : "") << "records read "
           << (*run)->MetricSum("sluice_source_records_total") << "\n"
           << (*run)->Stop().stderr_text;
  }

  // Phase 2: a click of P02 at 5 s (its window ended at 10 s, 10 + 5 <= 31.5: too late, dropped)
  // and a click of P01 at 25 s (window end 30 s, 30 + 5 > 31.5: updates it); once both were read,
  // a P04 impression at 45 s, which fires P04's window [30,40) (and, with one topic before it,
  // the impression could move the watermark past the update's lateness).
  ASSERT_TRUE(Send(run->get(), {{true, Event("click", id, "P02", kT0 + 5000)},
                                {true, Event("click", id + 1, "P01", kT0 + 25'000)}}));
  const double read = static_cast<double>(messages.size() + 2);
  if (!ExamplePipelineRun::WaitFor(
          [&] { return (*run)->MetricSum("sluice_source_records_total") == read; }, seconds(60))) {
    FAIL() << (*run)->Stop().stderr_text;
  }
  ASSERT_TRUE(Send(run->get(), {{false, Event("impression", id + 2, "P04", kT0 + 45'000)}}));
  std::vector<std::string> expected;
  for (int p = 0; p < 3; ++p) {
    for (int w = 0; w < 3; ++w) {
      expected.push_back(
          Row(Product(p), w, Impressions(p, w), Clicks(p, w) + (p == 0 && w == 2 ? 1 : 0)));
    }
  }
  expected.push_back(Row("P04", 3, 1, 0));
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> final_rows;
  bool updated = ExamplePipelineRun::WaitFor(
      [&] {
        auto rows = clickhouse->Query(kFinalRows);
        if (rows.ok()) final_rows = SortedLines(*rows);
        return final_rows == expected;
      },
      seconds(60));
  const std::string late = "sluice_operator_late_records_total";
  const double dropped = (*run)->MetricSum(late, "action=\"dropped\"");
  const double late_updates = (*run)->MetricSum(late, "action=\"updated\"");
  SubprocessOutput out = (*run)->Stop();
  EXPECT_EQ(dropped, 1);       // the click of P02 at 5 s
  EXPECT_EQ(late_updates, 1);  // the click of P01 at 25 s
  ASSERT_TRUE(updated) << ::testing::PrintToString(final_rows) << "\n" << out.stderr_text;
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;

  // ctr_ml_view sees every version written: one per window, two for P01's [20,30) (its result,
  // then the update), all in minute 00:00. Merges may drop old versions from the raw table, so
  // the expectation comes from the input, not from the raw table.
  auto ml = clickhouse->Query(
      "SELECT product_id, toString(window_minute), sumMerge(total_impressions), "
      "sumMerge(total_clicks), toInt64(round(avgMerge(avg_ctr) * 1000000)) FROM ctr.ctr_ml_view "
      "GROUP BY product_id, window_minute");
  ASSERT_TRUE(ml.ok());
  auto avg = [](std::vector<double> ctrs) {
    double sum = 0;
    for (double c : ctrs) sum += c;
    return std::llround(sum / ctrs.size() * 1e6);
  };
  std::vector<std::string> ml_expected = {
      fmt::format("P01\t2024-01-01 00:00:00\t85\t10\t{}",
                  avg({1 / 20.0, 2 / 21.0, 3 / 22.0, 4 / 22.0})),
      fmt::format("P02\t2024-01-01 00:00:00\t78\t9\t{}", avg({2 / 25.0, 3 / 26.0, 4 / 27.0})),
      fmt::format("P03\t2024-01-01 00:00:00\t93\t12\t{}", avg({3 / 30.0, 4 / 31.0, 5 / 32.0})),
      "P04\t2024-01-01 00:00:00\t1\t0\t0"};
  auto raw = clickhouse->Query("SELECT * FROM ctr.ctr_results_raw ORDER BY _sluice_version");
  EXPECT_EQ(SortedLines(*ml), ml_expected) << (raw.ok() ? *raw : raw.status().ToString());

  // ctr_latest_view: per product the newest window, P01's with the late click.
  auto latest = clickhouse->Query(
      "SELECT product_id, toString(window_start), toString(window_end), impressions, clicks, "
      "toInt64(round(ctr * 1000000)) FROM ctr.ctr_latest_view FINAL");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(SortedLines(*latest),
            (std::vector<std::string>{Row("P01", 2, 22, 4), Row("P02", 2, 27, 4),
                                      Row("P03", 2, 32, 5), Row("P04", 3, 1, 0)}));
}

TEST(ExamplesCtrTest, LateClickUpdatesItsWindowAndTheViewsFollowOneTopic) {
  CheckLateClickUpdatesItsWindow();
}

}  // namespace
}  // namespace sluice::cli::testing
