// MetricsRegistry: the exact Prometheus text it renders, label escaping, histogram buckets, and
// counts that stay exact under concurrent increments.

#include "common/metrics_registry.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "common/process_metrics.h"

namespace sluice {
namespace {

TEST(MetricsRegistryTest, RendersCountersAndGaugesSortedByName) {
  MetricsRegistry r;
  Counter* a =
      r.GetCounter("sluice_sink_rows_total", "Rows written.", {{"pipeline", "p"}, {"sink", "out"}});
  Gauge* g = r.GetGauge("sluice_pipeline_last_committed_epoch", "Last epoch.", {{"pipeline", "p"}});
  a->Increment(5);
  a->Increment();
  g->Set(3);
  EXPECT_EQ(r.RenderPrometheus(),
            "# HELP sluice_pipeline_last_committed_epoch Last epoch.\n"
            "# TYPE sluice_pipeline_last_committed_epoch gauge\n"
            "sluice_pipeline_last_committed_epoch{pipeline=\"p\"} 3\n"
            "# HELP sluice_sink_rows_total Rows written.\n"
            "# TYPE sluice_sink_rows_total counter\n"
            "sluice_sink_rows_total{pipeline=\"p\",sink=\"out\"} 6\n");
}

TEST(MetricsRegistryTest, SameNameAndLabelsIsTheSameSeries) {
  MetricsRegistry r;
  Counter* a = r.GetCounter("c_total", "h", {{"k", "1"}});
  Counter* b = r.GetCounter("c_total", "h", {{"k", "1"}});
  Counter* c = r.GetCounter("c_total", "h", {{"k", "2"}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  a->Increment(2);
  c->Increment(7);
  EXPECT_EQ(r.RenderPrometheus(),
            "# HELP c_total h\n# TYPE c_total counter\nc_total{k=\"1\"} 2\nc_total{k=\"2\"} 7\n");
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry r;
  r.GetGauge("g", "line1\nback\\slash", {{"path", "a\"b\\c\nd"}})->Set(0.5);
  EXPECT_EQ(r.RenderPrometheus(),
            "# HELP g line1\\nback\\\\slash\n# TYPE g gauge\ng{path=\"a\\\"b\\\\c\\nd\"} 0.5\n");
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulativeWithInclusiveBounds) {
  MetricsRegistry r;
  Histogram* h = r.GetHistogram("d_seconds", "Duration.", {0.1, 1}, {{"pipeline", "p"}});
  h->Observe(0.05);  // bucket 0.1
  h->Observe(0.1);   // bucket 0.1 (upper bounds are inclusive)
  h->Observe(0.5);   // bucket 1
  h->Observe(4);     // +Inf only
  // Cumulative: le=0.1 → 2, le=1 → 3, +Inf → 4; sum 0.05+0.1+0.5+4 = 4.65.
  std::string text = r.RenderPrometheus();
  EXPECT_EQ(text,
            "# HELP d_seconds Duration.\n# TYPE d_seconds histogram\n"
            "d_seconds_bucket{pipeline=\"p\",le=\"0.1\"} 2\n"
            "d_seconds_bucket{pipeline=\"p\",le=\"1\"} 3\n"
            "d_seconds_bucket{pipeline=\"p\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{pipeline=\"p\"} 4.65\n"
            "d_seconds_count{pipeline=\"p\"} 4\n");
}

TEST(MetricsRegistryTest, SeriesWithoutLabelsHaveNoBraces) {
  MetricsRegistry r;
  r.GetCounter("plain_total", "p")->Increment(3);
  r.AddCallback("answer", "a", "gauge", {}, [] { return 42.0; });
  EXPECT_EQ(r.RenderPrometheus(),
            "# HELP answer a\n# TYPE answer gauge\nanswer 42\n"
            "# HELP plain_total p\n# TYPE plain_total counter\nplain_total 3\n");
}

TEST(MetricsRegistryTest, ConcurrentIncrementsAndScrapesLoseNothing) {
  MetricsRegistry r;
  Counter* c = r.GetCounter("n_total", "n");
  Histogram* h = r.GetHistogram("h", "h", {1});
  constexpr int kThreads = 4, kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        c->Increment();
        h->Observe(2);
      }
    });
  }
  // Scrapes and registrations while the writers run must neither block them nor crash.
  for (int i = 0; i < 50; ++i) {
    r.GetGauge("g", "g", {{"i", std::to_string(i)}})->Set(i);
    EXPECT_FALSE(r.RenderPrometheus().empty());
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c->value(), kThreads * kPerThread);
  EXPECT_EQ(h->count(), kThreads * kPerThread);
  EXPECT_EQ(h->bucket_count(1), kThreads * kPerThread);
  EXPECT_DOUBLE_EQ(h->sum(), 2.0 * kThreads * kPerThread);
}

TEST(MetricsRegistryTest, ProcessMetricsReadProcSelf) {
  MetricsRegistry r;
  RegisterProcessMetrics(&r);
  std::string text = r.RenderPrometheus();
  for (const char* name :
       {"process_resident_memory_bytes ", "process_cpu_seconds_total ", "process_open_fds "}) {
    size_t at = text.find(std::string("\n") + name);
    ASSERT_NE(at, std::string::npos) << name << " missing:\n" << text;
    double v = std::stod(text.substr(at + 1 + std::string(name).size()));
    // A running test process has stdin/stdout/stderr open and some memory resident.
    if (std::string(name) == "process_open_fds ") {
      EXPECT_GE(v, 3);
    }
    if (std::string(name) == "process_resident_memory_bytes ") {
      EXPECT_GT(v, 1 << 20);
    }
  }
}

TEST(MetricsRegistryTest, CollectorsRunBeforeEachRenderUntilRemoved) {
  MetricsRegistry registry;
  Counter* c = registry.GetCounter("pulled_total", "Pulled.");
  int64_t source = 5;
  int id = registry.AddCollector([&] { c->Increment(source - c->value()); });
  EXPECT_NE(registry.RenderPrometheus().find("pulled_total 5\n"), std::string::npos);
  source = 7;
  EXPECT_NE(registry.RenderPrometheus().find("pulled_total 7\n"), std::string::npos);
  registry.RemoveCollector(id);
  source = 9;
  EXPECT_NE(registry.RenderPrometheus().find("pulled_total 7\n"), std::string::npos);
}

}  // namespace
}  // namespace sluice
