// Ingest over loopback HTTP: IngestLoadClient threads POST NDJSON batches to /ingest/views of an
// in-process pipeline ('http' source → blackhole, 100 ms epochs); each request is answered once
// its epoch committed. Prints events/s, requests/s and the p50/p99 latency of a request. A
// request waits for the end of the current epoch, so requests/s is about connections / epoch.
//
//   build/bench/sluice_bench --benchmark_filter=HttpIngest
//
// Arguments: total events, events per request, client connections.

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>

#include "cli/pipeline_loader.h"
#include "common/logging.h"
#include "common/metrics_registry.h"
#include "runtime/pipeline.h"
#include "server/http_server.h"
#include "testing/ingest_load_client.h"

namespace sluice {
namespace {

const char* const kPipeline =
    "SET 'execution.epoch-interval' = '100 ms';\n"
    "SET 'state.dir' = '/tmp/sluice-bench-http-ingest-state';\n"
    "SET 'state.start-fresh' = 'true';\n"
    "CREATE TABLE views (id BIGINT, link STRING, `method` STRING, ts TIMESTAMP(3))\n"
    "  WITH ('connector' = 'http', 'http.max-body-size' = '64 mb');\n"
    "CREATE TABLE nowhere (id BIGINT, link STRING, `method` STRING, ts TIMESTAMP(3))\n"
    "  WITH ('connector' = 'blackhole');\n"
    "INSERT INTO nowhere SELECT * FROM views;\n";

std::string Body(int64_t batch, int64_t per_batch) {
  std::string body;
  for (int64_t i = 0; i < per_batch; ++i) {
    body += fmt::format(
        "{{\"id\":{},\"link\":\"/products/{}\",\"method\":\"GET\","
        "\"ts\":\"2024-03-01T10:15:30.{:03}+09:00\"}}\n",
        batch * per_batch + i, i % 500, i % 1000);
  }
  return body;
}

void BM_HttpIngest(benchmark::State& state) {
  SetLogLevel(LogLevel::kWarn);
  const int64_t events = state.range(0);
  const int64_t per_batch = state.range(1);
  std::string sql_path = "/tmp/sluice-bench-http-ingest.sql";
  std::ofstream(sql_path) << kPipeline;
  for (auto _ : state) {
    auto loaded = cli::LoadPipeline(sql_path, {});
    if (!loaded.ok()) return state.SkipWithError(loaded.status().ToString().c_str());
    auto pipeline =
        runtime::Pipeline::Create(loaded->plan, *loaded->connectors, *loaded->functions);
    if (!pipeline.ok()) return state.SkipWithError(pipeline.status().ToString().c_str());
    MetricsRegistry metrics;
    auto server =
        server::HttpServer::Start({}, &metrics, [] { return runtime::PipelineSnapshot(); });
    if (!server.ok()) return state.SkipWithError(server.status().ToString().c_str());
    std::atomic<bool> stop{false};
    Status run;
    std::thread runner([&] { run = (*pipeline)->Run(stop); });

    testing::IngestLoadOptions load;
    load.url = fmt::format("http://127.0.0.1:{}/ingest/views", (*server)->port());
    load.connections = static_cast<int>(state.range(2));
    load.batches = events / per_batch;
    load.body = [per_batch](int64_t batch) { return Body(batch, per_batch); };
    testing::IngestLoadReport report = testing::IngestLoadClient::Run(load);

    stop = true;
    runner.join();
    (*server)->Stop();
    if (report.failed_batches > 0 || !run.ok()) {
      return state.SkipWithError((report.first_failure + run.ToString()).c_str());
    }
    const double accepted = static_cast<double>(report.accepted_batches * per_batch);
    state.counters["events_per_s"] = accepted / report.seconds;
    state.counters["requests_per_s"] = static_cast<double>(report.requests) / report.seconds;
    state.counters["p50_ms"] = report.p50_ms;
    state.counters["p99_ms"] = report.p99_ms;
    state.counters["retries"] = static_cast<double>(report.retries);
    state.counters["sink_rows"] = static_cast<double>((*pipeline)->stats().rows_out);
  }
}

BENCHMARK(BM_HttpIngest)
    ->Args({1'000'000, 10'000, 16})
    ->Args({1'000'000, 1000, 16})
    ->Args({200'000, 100, 16})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace
}  // namespace sluice
