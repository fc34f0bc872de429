#include "cli/partial_scaling_bench.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "cli/pipeline_loader.h"
#include "common/logging.h"
#include "connectors/clickhouse/clickhouse_http_client.h"
#include "runtime/pipeline.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

// In a child: runs the pipeline file over `input` to its end; exits 0 on success.
[[noreturn]] void ChildMain(const std::string& path, const std::string& input) {
  SetLogLevel(LogLevel::kWarn);
  setenv("BENCH_INPUT", input.c_str(), 1);
  auto loaded = LoadPipeline(path, {{"state.dir", ""}});
  Status status = loaded.status();
  if (loaded.ok()) {
    auto pipeline =
        runtime::Pipeline::Create(loaded->plan, *loaded->connectors, *loaded->functions);
    status = pipeline.status();
    if (pipeline.ok()) {
      std::atomic<bool> stop{false};
      status = (*pipeline)->Run(stop);
    }
  }
  if (!status.ok()) std::fprintf(stderr, "%s\n", status.ToString().c_str());
  std::fflush(nullptr);
  _exit(status.ok() ? 0 : 1);
}

}  // namespace

std::string PartialScalingBench::PipelineText(const std::string& table) const {
  return fmt::format(R"sql(
SET 'pipeline.name' = 'bench-partial';
CREATE TABLE orders (order_id BIGINT, symbol STRING, order_type STRING, quantity INT,
  price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${{BENCH_INPUT}}', 'format' = 'json');
CREATE TABLE per_minute (symbol STRING NOT NULL, window_start TIMESTAMP(3) NOT NULL,
  window_end TIMESTAMP(3) NOT NULL, orders BIGINT, buys BIGINT, quantity BIGINT, total DOUBLE,
  lo DOUBLE, hi DOUBLE)
WITH ('connector' = 'clickhouse', 'url' = '{}', 'database-name' = '{}', 'table-name' = '{}',
      'sink.create-table' = 'true', 'sink.aggregation' = 'partial');
INSERT INTO per_minute
SELECT symbol, window_start, window_end, COUNT(*), COUNT(*) FILTER (WHERE order_type = 'BUY'),
       SUM(quantity), SUM(price), MIN(price), MAX(price)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY symbol, window_start, window_end;
)sql",
                     options_.clickhouse_url, options_.database, table);
}

Result<std::vector<std::string>> PartialScalingBench::WriteOrders(int processes,
                                                                  const std::string& dir) const {
  std::vector<std::string> paths;
  std::vector<std::ofstream> files;
  for (int p = 0; p < processes; ++p) {
    paths.push_back(fmt::format("{}/orders-{}.ndjson", dir, p));
    files.emplace_back(paths.back(), std::ios::binary);
  }
  std::mt19937_64 rng(14);
  const int64_t start_ms = 1717200000000;  // 2024-06-01T00:00:00Z; 1,000 orders per second
  std::string line;
  for (int64_t i = 0; i < options_.events; ++i) {
    line = fmt::format(
        "{{\"order_id\":{},\"symbol\":\"S{}\",\"order_type\":\"{}\",\"quantity\":{},"
        "\"price\":{},\"ts\":{}}}\n",
        i, rng() % 500, rng() % 3 == 0 ? "BUY" : "SELL", rng() % 50 + 1,
        static_cast<double>(rng() % 40000) / 4.0, start_ms + i);
    files[static_cast<size_t>(i % processes)] << line;
  }
  for (auto& f : files) {
    f.close();
    if (!f) return Status::Unavailable(fmt::format("cannot write the orders in '{}'", dir));
  }
  return paths;
}

Result<PartialScalingBench::Round> PartialScalingBench::RunRound(int processes,
                                                                 const std::string& dir) {
  const std::string table = fmt::format("per_minute_{}", processes);
  connectors::ClickHouseHttpClient client(options_.clickhouse_url, "", "", 60000);
  RETURN_IF_ERROR(client.Query("CREATE DATABASE IF NOT EXISTS " + options_.database).status());
  RETURN_IF_ERROR(
      client.Query(fmt::format("DROP TABLE IF EXISTS {}.{}", options_.database, table)).status());
  ASSIGN_OR_RETURN(std::vector<std::string> inputs, WriteOrders(processes, dir));
  const std::string path = fmt::format("{}/partial-{}.sql", dir, processes);
  std::ofstream(path) << PipelineText(table);
  std::fflush(nullptr);
  const auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> children;
  for (const std::string& input : inputs) {
    const pid_t pid = fork();
    if (pid < 0) return Status::Unavailable("fork failed");
    if (pid == 0) ChildMain(path, input);
    children.push_back(pid);
  }
  Round round;
  round.processes = processes;
  round.events = options_.events;
  bool failed = false;
  for (pid_t pid : children) {
    int wait_status = 0;
    struct rusage usage {};
    wait4(pid, &wait_status, 0, &usage);
    auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
    round.cpu_seconds += seconds(usage.ru_utime) + seconds(usage.ru_stime);
    failed |= !WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0;
  }
  round.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed)
    return Status::Unavailable(fmt::format("a child of the {}-process round failed", processes));
  ASSIGN_OR_RETURN(std::string merged,
                   client.Query(fmt::format("SELECT sum(orders) FROM {}.{} FORMAT TabSeparated",
                                            options_.database, table)));
  round.merged_orders = std::atoll(merged.c_str());
  if (round.merged_orders != options_.events) {
    return Status::Internal(fmt::format("the merged table counts {} orders, not {}",
                                        round.merged_orders, options_.events));
  }
  return round;
}

Result<std::vector<PartialScalingBench::Round>> PartialScalingBench::Run() {
  if (options_.clickhouse_url.empty()) {
    const char* env = std::getenv("CLICKHOUSE_URL");
    options_.clickhouse_url = env && *env ? env : "http://127.0.0.1:8123";
  }
  const fs::path dir = fs::temp_directory_path() / fmt::format("sluice-partial-{}", getpid());
  std::error_code error;
  fs::create_directories(dir, error);
  std::vector<Round> rounds;
  Status status;
  for (int processes : options_.processes) {
    auto round = RunRound(processes, dir.string());
    if (!round.ok()) {
      status = round.status();
      break;
    }
    rounds.push_back(*round);
  }
  fs::remove_all(dir, error);
  if (!status.ok()) return status;
  return rounds;
}

std::string PartialScalingBench::Format(const std::vector<Round>& rounds) {
  std::string out = fmt::format("{:>9} {:>10} {:>8} {:>10} {:>8} {:>12}\n", "processes", "events",
                                "wall s", "events/s", "CPU s", "events/CPU-s");
  for (const Round& r : rounds) {
    out += fmt::format("{:>9} {:>10} {:>8.2f} {:>10.0f} {:>8.2f} {:>12.0f}\n", r.processes,
                       r.events, r.wall_seconds, r.events / r.wall_seconds, r.cpu_seconds,
                       r.events / r.cpu_seconds);
  }
  return out;
}

}  // namespace sluice::cli
