#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/nexmark_query_run.h"

namespace sluice::cli {

/// The `sluice bench nexmark` command: runs Nexmark queries (bench/nexmark) for a fixed number of
/// events, each in its own child process on one pipeline thread, and prints events/s, CPU seconds
/// and peak RSS per query beside the Flink per-core figures (nexmark_query_run.h). Lifecycle:
/// construct with the app (adds the subcommand), parse, then Run if parsed().
class BenchCommand {
 public:
  explicit BenchCommand(CLI::App* app);
  bool parsed() const { return bench_->parsed(); }
  /// Runs the queries; returns the process exit code (1 if any query failed).
  int Run();

 private:
  CLI::App* bench_;
  CLI::App* nexmark_;
  NexmarkBenchOptions options_;
  std::vector<std::string> queries_;
};

}  // namespace sluice::cli
