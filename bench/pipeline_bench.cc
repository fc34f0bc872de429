// End-to-end throughput of the engine on one core: NDJSON decode → filter → 10-second TUMBLE
// COUNT/SUM/AVG grouped by a 100-key column → blackhole. Prints events/s (items_per_second).
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

std::string EventsFile(int64_t events) {
  std::string path = fmt::format("/tmp/sluice-bench-events-v2-{}.json", events);
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
    out << fmt::format(
        "{{\"event_id\":{},\"user_id\":{},\"campaign\":\"campaign-{:03}\",\"event_type\":\"{}\","
        "\"country\":\"{}\",\"device\":\"{}\",\"revenue\":{}.{:02},\"ts\":{}}}\n",
        i, 100000 + x % 900000, (x >> 8) % 100, (x >> 20) % 4 == 0 ? "click" : "impression",
        (x >> 24) % 2 ? "KR" : "US", (x >> 28) % 3 == 0 ? "desktop" : "mobile", (x >> 32) % 10,
        (x >> 40) % 100, ts);
  }
  out.close();
  std::rename((path + ".tmp").c_str(), path.c_str());
  return path;
}

std::string PipelineFile(const std::string& events_path) {
  std::string path = events_path + ".sql";
  std::ofstream out(path);
  out << "CREATE TABLE events (event_id BIGINT, user_id BIGINT, campaign STRING, event_type "
         "STRING,\n"
         "  country STRING, revenue DOUBLE, ts BIGINT,\n"
         "  event_time AS TO_TIMESTAMP_LTZ(ts, 3),\n"
         "  WATERMARK FOR event_time AS event_time - INTERVAL '2' SECOND\n"
         ") WITH ('connector' = 'filesystem', 'path' = '"
      << events_path
      << "', 'format' = 'json');\n"
         "CREATE TABLE campaign_stats (campaign STRING, window_start TIMESTAMP(3), window_end "
         "TIMESTAMP(3),\n"
         "  events BIGINT, revenue DOUBLE, avg_revenue DOUBLE) WITH ('connector' = 'blackhole');\n"
         "INSERT INTO campaign_stats SELECT campaign, window_start, window_end, COUNT(*), "
         "SUM(revenue),\n"
         "  AVG(revenue)\n"
         "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(event_time), INTERVAL '10' SECOND))\n"
         "WHERE event_type = 'impression' OR revenue > 5\n"
         "GROUP BY campaign, window_start, window_end;\n";
  return path;
}

void BM_PipelineJsonTumble(benchmark::State& state) {
  SetLogLevel(LogLevel::kWarn);
  const int64_t events = state.range(0);
  std::string sql = PipelineFile(EventsFile(events));
  int64_t bytes = 0;
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
  std::ifstream f(fmt::format("/tmp/sluice-bench-events-v2-{}.json", events), std::ios::ate);
  bytes = static_cast<int64_t>(f.tellg());
  state.SetItemsProcessed(state.iterations() * events);
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["bytes_per_event"] = static_cast<double>(bytes) / static_cast<double>(events);
}
BENCHMARK(BM_PipelineJsonTumble)->Arg(2'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace sluice

BENCHMARK_MAIN();
