#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/kafka/mock_cluster.h"

namespace sluice::cli {

/// `sluice bench scaleout`: the scale-out figure (issue 14) of one job run by 1, 2, ... `sluice
/// run` processes of one consumer group, over Kafka. A development broker runs in this process;
/// each round gets a topic of `partitions` partitions and `events` orders (JSON, no message key);
/// the job — 10-second TUMBLE per symbol with COUNT, SUM, MIN, MAX into ClickHouse — groups by a
/// column that is not how the topic is partitioned, and runs in each `mode`: "partial"
/// ('sink.aggregation' = 'partial', merged by a SummingMergeTree) and "repartition"
/// ('pipeline.repartition' = 'auto': through an internal topic keyed by symbol). Per round it
/// starts that many processes of the pipeline, waits until their status records (as `sluice
/// status` reads them) show every partition owned once, then sends the orders and reports the
/// wall time from the first order sent until ClickHouse counts every order, events/s, and the
/// processes' user+system CPU (wait4), not the broker's and producer's (this process) or
/// ClickHouse's. After the orders, each partition
/// gets one order per symbol an hour later so that every window before it closes.
/// Lifecycle: construct with the options, Run once; one thread.
class ScaleOutBench {
 public:
  struct Options {
    // ~70 bytes each, ~200 in the internal topic: each partition must stay under the
    // development broker's ~5 MB (an offset reset in a process's log fails the round), the
    // internal topic's fullest too (1,000 symbols hashed over its partitions: scale_out_bench.cc).
    int64_t events = 600'000;
    int partitions = 48;  // 12,500 orders a partition
    std::vector<int> processes = {1, 2};
    std::vector<std::string> modes = {"partial", "repartition"};
    std::string clickhouse_url;  // empty: start a ClickHouse server under `work_dir`
    std::string work_dir = "build/bench-scaleout";
  };

  struct Round {
    std::string mode;
    int processes = 0;
    int64_t events = 0;
    double wall_seconds = 0;
    double cpu_seconds = 0;      // user + system of the sluice processes
    double produce_seconds = 0;  // sending the orders (they are read meanwhile)
  };

  explicit ScaleOutBench(Options options) : options_(std::move(options)) {}

  /// Runs every round; returns them, or the first error (a process failed, the count was not
  /// reached within a timeout, or ClickHouse counted more orders than were sent).
  Result<std::vector<Round>> Run();

  /// Returns the rounds as a table with events/s, events per CPU-second and the speed-up over the
  /// mode's first round.
  static std::string Format(const std::vector<Round>& rounds);

 private:
  Result<Round> RunRound(const std::string& mode, int processes, const std::string& brokers,
                         connectors::MockCluster* cluster);
  std::string PipelineText(const std::string& mode, const std::string& name,
                           const std::string& brokers) const;

  Options options_;
  std::string clickhouse_url_;
};

}  // namespace sluice::cli
