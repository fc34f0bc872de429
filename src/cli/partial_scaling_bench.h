#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::cli {

/// `sluice bench partial`: the scale-out figure of partial aggregation (DESIGN.md "Scale-out").
/// The same job — orders (JSON lines) → 1-minute TUMBLE per symbol with COUNT, COUNT FILTER, SUM,
/// MIN, MAX → a ClickHouse table with 'sink.aggregation' = 'partial' — runs over `events` orders
/// once per entry of `processes`: that many child processes (fork, one pipeline thread each, no
/// state directory) at the same time, each over its own share of the orders (one file each, as a
/// Kafka partition set would be). It reports wall time from the start of the first to the end of
/// the last, events/s, and the children's user+system CPU (wait4), and checks that the merged
/// table counts every order once. Lifecycle: construct with the options, Run once; one thread.
class PartialScalingBench {
 public:
  struct Options {
    int64_t events = 2'000'000;
    std::vector<int> processes = {1, 2};
    std::string clickhouse_url;  // empty: $CLICKHOUSE_URL, else http://127.0.0.1:8123
    std::string database = "sluice_bench";
  };

  /// The measurements of one round.
  struct Round {
    int processes = 0;
    int64_t events = 0;
    double wall_seconds = 0;
    double cpu_seconds = 0;  // user + system of all children
    int64_t merged_orders = 0;
  };

  explicit PartialScalingBench(Options options) : options_(std::move(options)) {}

  /// Runs every round; returns them, or the first error (a child failed, ClickHouse refused, or
  /// the merged count differs from the events).
  Result<std::vector<Round>> Run();

  /// Returns the rounds as a table with events/s and events per CPU-second.
  static std::string Format(const std::vector<Round>& rounds);

 private:
  Result<Round> RunRound(int processes, const std::string& dir);
  Result<std::vector<std::string>> WriteOrders(int processes, const std::string& dir) const;
  std::string PipelineText(const std::string& table) const;

  Options options_;
};

}  // namespace sluice::cli
