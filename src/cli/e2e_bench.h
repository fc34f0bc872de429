#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/child_process.h"
#include "common/status.h"
#include "connectors/clickhouse/local_clickhouse_server.h"

namespace sluice::cli {

/// What `sluice bench e2e` runs: `orders` generated orders (the datagen 'orders' scenario, seeded
/// with `seed`, one per millisecond of event time) as NDJSON, through the pipeline and tables of
/// `bench_dir` (bench/e2e: pipeline.sql, clickhouse.sql), with the file, the ClickHouse server's
/// data and the logs under `work_dir`.
struct E2eBenchOptions {
  int64_t orders = 2'000'000;
  uint64_t seed = 42;
  std::string bench_dir = "bench/e2e";
  std::string work_dir = ".sluice/bench-e2e";
  std::string sluice_binary;  // the sluice to run (default: this process's binary)
  std::string curl_binary = "/usr/bin/curl";
  bool keep_files = false;  // keep the input, the RowBinary dump and ClickHouse's data
};

/// The measurements of one run of the benchmark: the client (sluice or curl) is a child process,
/// so its CPU time comes from wait4 and its peak RSS from its VmHWM (/proc/<pid>/status, read
/// every 10 ms while it runs); the ClickHouse server's CPU time is the growth of utime + stime in
/// /proc/<pid>/stat over the client's life.
struct E2eRun {
  std::string name;
  int64_t rows = 0;  // input rows, each checked to be in the raw table afterwards
  double wall_seconds = 0;
  double client_cpu_seconds = 0;
  int64_t client_peak_rss_kb = 0;
  double server_cpu_seconds = 0;
  std::string detail;  // what the run wrote, as read back from ClickHouse
};

/// The end-to-end benchmark of issue 10: one ClickHouse server (Debian's 18.16, started by
/// LocalClickHouseServer on 127.0.0.1) and three runs over the same orders: (1) sluice runs
/// bench/e2e/pipeline.sql (raw, aggregate and alert jobs) as `sluice run` would; (2) curl inserts
/// the NDJSON file into a Null table whose materialized views do the raw rows, the aggregates
/// and the stateless alerts; (3) curl posts the raw rows, pre-encoded as RowBinary, into a raw
/// table (the ceiling). Each run's result is read back and compared with counts computed from
/// the generated orders; a mismatch fails the benchmark.
/// Lifecycle: construct, Run once, read runs(). Not thread-safe.
class E2eBench {
 public:
  explicit E2eBench(E2eBenchOptions options);
  ~E2eBench();
  E2eBench(const E2eBench&) = delete;
  E2eBench& operator=(const E2eBench&) = delete;

  /// Writes the input, starts ClickHouse, runs and checks the three runs in order, then stops
  /// the server and, after a success without `keep_files`, removes the large files (the logs
  /// stay). Errors: a file that cannot be written, a server that does not start, a client that
  /// fails, or a result that differs from the expected counts (the message says which).
  Status Run();
  const std::vector<E2eRun>& runs() const { return runs_; }

  /// Returns the table of `runs` (rows/s, CPU seconds, peak RSS) and the ratios of issue 10's
  /// targets: sluice against the ceiling and against ClickHouse alone.
  static std::string FormatTable(const std::vector<E2eRun>& runs);

  /// The counts the generated orders must give in ClickHouse, computed while writing them.
  struct Expected {
    int64_t rows = 0;
    int64_t sum_quantity = 0;
    int64_t buys = 0;
    int64_t windows = 0;  // distinct (symbol, 5-minute window)
    int64_t large_orders = 0;
    int64_t high_amounts = 0;
    int64_t price_spikes = 0;
    int64_t rapid_orders = 0;
  };

 private:
  Status WriteOrders();
  Status StartClickHouse();
  Result<E2eRun> RunSluice();
  Result<E2eRun> RunClickHouseOnly();
  Result<E2eRun> RunCeiling();
  /// Runs `argv` to its end as a measured client; kUnavailable with its log when it fails.
  Result<E2eRun> RunClient(const std::string& name, const std::vector<std::string>& argv,
                           const ChildProcess::Environment& env, const std::string& log_name);
  /// Returns the server's user + system CPU seconds so far.
  Result<double> ServerCpuSeconds() const;
  /// Returns the first row of `query`'s tab-separated answer as integers.
  Result<std::vector<int64_t>> QueryInts(const std::string& query) const;
  /// Compares `got` with `want` column by column; kDataLoss naming `what` when they differ.
  static Status Expect(const std::string& what, const std::vector<int64_t>& got,
                       const std::vector<int64_t>& want);
  Status CheckRaw(const std::string& database) const;
  std::string InsertUrl(const std::string& query) const;

  E2eBenchOptions options_;
  std::string input_path_;
  Expected expected_;
  std::unique_ptr<connectors::LocalClickHouseServer> clickhouse_;
  std::vector<E2eRun> runs_;
};

}  // namespace sluice::cli
