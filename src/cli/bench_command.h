#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/e2e_bench.h"
#include "cli/nexmark_query_run.h"
#include "cli/scale_out_bench.h"

namespace sluice::cli {

/// The `sluice bench nexmark` command: runs Nexmark queries (bench/nexmark) for a fixed number of
/// events, each in its own child process on one pipeline thread, and prints events/s, CPU seconds
/// and peak RSS per query beside the Flink per-core figures (nexmark_query_run.h). `sluice bench
/// e2e`: orders from an NDJSON file into a ClickHouse server it starts, by sluice, by ClickHouse
/// alone and by curl posting RowBinary (e2e_bench.h). `sluice bench scaleout`
/// runs ScaleOutBench (one job by 1, 2, ... processes of a consumer group, partial and
/// repartitioned). Lifecycle: construct with the
/// app (adds the subcommand), parse, then Run if parsed().
class BenchCommand {
 public:
  explicit BenchCommand(CLI::App* app);
  bool parsed() const { return bench_->parsed(); }
  /// Runs the parsed benchmark; returns the process exit code (1 if a run failed).
  int Run();

 private:
  int RunNexmark();
  int RunE2e();
  int RunScaleOut();

  CLI::App* bench_;
  CLI::App* nexmark_;
  CLI::App* e2e_;
  CLI::App* scaleout_;
  E2eBenchOptions e2e_options_;
  NexmarkBenchOptions options_;
  ScaleOutBench::Options scaleout_options_;
  std::vector<std::string> queries_;
};

}  // namespace sluice::cli
