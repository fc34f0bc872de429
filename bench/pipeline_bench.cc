// End-to-end throughput of the engine on one core: NDJSON decode → filter → 10-second TUMBLE
// COUNT/SUM/AVG grouped by a 100-key column → blackhole. Prints events/s (items_per_second).
// The Nested variant reads the same fields from inside two nested objects (ROW columns).
//
//   make bench                       # or: build/bench/sluice_bench --benchmark_filter=Pipeline
//
// The input file is generated once per size under /tmp (about 150 bytes per event).

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>

#include "cli/pipeline_loader.h"
#include "common/logging.h"
#include "runtime/pipeline.h"

namespace sluice {
namespace {

constexpr int64_t kStartMillis = 1'700'000'000'000;

// The flat event, or (nested) the same fields inside two nested objects:
// {"event_id", "usr": {"user_id", "country", "device"}, "ad": {"campaign", "event_type",
// "revenue"}, "ts"}.
std::string EventText(int64_t i, uint64_t x, int64_t ts, bool nested) {
  const int64_t user_id = static_cast<int64_t>(100000 + x % 900000);
  const uint64_t campaign = (x >> 8) % 100;
  const char* type = (x >> 20) % 4 == 0 ? "click" : "impression";
  const char* country = (x >> 24) % 2 ? "KR" : "US";
  const char* device = (x >> 28) % 3 == 0 ? "desktop" : "mobile";
  const uint64_t units = (x >> 32) % 10;
  const uint64_t cents = (x >> 40) % 100;
  if (!nested) {
    return fmt::format(
        "{{\"event_id\":{},\"user_id\":{},\"campaign\":\"campaign-{:03}\",\"event_type\":\"{}\","
        "\"country\":\"{}\",\"device\":\"{}\",\"revenue\":{}.{:02},\"ts\":{}}}\n",
        i, user_id, campaign, type, country, device, units, cents, ts);
  }
  return fmt::format(
      "{{\"event_id\":{},\"usr\":{{\"user_id\":{},\"country\":\"{}\",\"device\":\"{}\"}},"
      "\"ad\":{{\"campaign\":\"campaign-{:03}\",\"event_type\":\"{}\",\"revenue\":{}.{:02}}},"
      "\"ts\":{}}}\n",
      i, user_id, country, device, campaign, type, units, cents, ts);
}

std::string EventsPath(int64_t events, bool nested) {
  return fmt::format("/tmp/sluice-bench-events-{}-{}.json", nested ? "nested-v1" : "v2", events);
}

std::string EventsFile(int64_t events, bool nested) {
  std::string path = EventsPath(events, nested);
  std::ifstream probe(path);
  if (probe.good()) return path;
  std::ofstream out(path + ".tmp");
  uint64_t x = 88172645463325252ull;
  for (int64_t i = 0; i < events; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    // Events arrive in time order with up to ~1 s of disorder; 10 events per millisecond.
    int64_t ts = kStartMillis + i / 10 - static_cast<int64_t>(x % 1000);
    out << EventText(i, x, ts, nested);
  }
  out.close();
  std::rename((path + ".tmp").c_str(), path.c_str());
  return path;
}

constexpr const char* kFlatPipeline =
    "CREATE TABLE events (event_id BIGINT, user_id BIGINT, campaign STRING, event_type STRING,\n"
    "  country STRING, revenue DOUBLE, ts BIGINT,\n"
    "  event_time AS TO_TIMESTAMP_LTZ(ts, 3),\n"
    "  WATERMARK FOR event_time AS event_time - INTERVAL '2' SECOND\n"
    ") WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'json');\n"
    "CREATE TABLE campaign_stats (campaign STRING, window_start TIMESTAMP(3), window_end "
    "TIMESTAMP(3),\n"
    "  events BIGINT, revenue DOUBLE, avg_revenue DOUBLE) WITH ('connector' = 'blackhole');\n"
    "INSERT INTO campaign_stats SELECT campaign, window_start, window_end, COUNT(*), "
    "SUM(revenue),\n"
    "  AVG(revenue)\n"
    "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(event_time), INTERVAL '10' SECOND))\n"
    "WHERE event_type = 'impression' OR revenue > 5\n"
    "GROUP BY campaign, window_start, window_end;\n";

// The same job over the nested event: the fields are read through `usr.` and `ad.`.
constexpr const char* kNestedPipeline =
    "CREATE TABLE events (event_id BIGINT, usr ROW<user_id BIGINT, country STRING>,\n"
    "  ad ROW<campaign STRING, event_type STRING, revenue DOUBLE>, ts BIGINT,\n"
    "  event_time AS TO_TIMESTAMP_LTZ(ts, 3),\n"
    "  WATERMARK FOR event_time AS event_time - INTERVAL '2' SECOND\n"
    ") WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'json');\n"
    "CREATE TABLE campaign_stats (campaign STRING, window_start TIMESTAMP(3), window_end "
    "TIMESTAMP(3),\n"
    "  events BIGINT, revenue DOUBLE, avg_revenue DOUBLE) WITH ('connector' = 'blackhole');\n"
    "INSERT INTO campaign_stats SELECT ad.campaign, window_start, window_end, COUNT(*), "
    "SUM(ad.revenue),\n"
    "  AVG(ad.revenue)\n"
    "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(event_time), INTERVAL '10' SECOND))\n"
    "WHERE ad.event_type = 'impression' OR ad.revenue > 5\n"
    "GROUP BY ad.campaign, window_start, window_end;\n";

std::string PipelineFile(const std::string& events_path, bool nested) {
  std::string path = events_path + ".sql";
  std::ofstream out(path);
  out << fmt::format(fmt::runtime(nested ? kNestedPipeline : kFlatPipeline), events_path);
  return path;
}

void RunPipeline(benchmark::State& state, bool nested) {
  SetLogLevel(LogLevel::kWarn);
  const int64_t events = state.range(0);
  std::string sql = PipelineFile(EventsFile(events, nested), nested);
  for (auto _ : state) {
    auto loaded = cli::LoadPipeline(sql, {});
    if (!loaded.ok()) {
      state.SkipWithError(loaded.status().ToString().c_str());
      return;
    }
    auto pipeline =
        runtime::Pipeline::Create(loaded->plan, *loaded->connectors, *loaded->functions);
    if (!pipeline.ok()) {
      state.SkipWithError(pipeline.status().ToString().c_str());
      return;
    }
    std::atomic<bool> stop{false};
    Status s = (*pipeline)->Run(stop);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    if ((*pipeline)->stats().records_in != events) {
      state.SkipWithError("not every event was read");
      return;
    }
  }
  std::ifstream f(EventsPath(events, nested), std::ios::ate);
  const int64_t bytes = static_cast<int64_t>(f.tellg());
  state.SetItemsProcessed(state.iterations() * events);
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["bytes_per_event"] = static_cast<double>(bytes) / static_cast<double>(events);
}

void BM_PipelineJsonTumble(benchmark::State& state) { RunPipeline(state, false); }
void BM_PipelineJsonTumbleNested(benchmark::State& state) { RunPipeline(state, true); }

BENCHMARK(BM_PipelineJsonTumble)->Arg(2'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PipelineJsonTumbleNested)
    ->Arg(2'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace sluice

BENCHMARK_MAIN();
