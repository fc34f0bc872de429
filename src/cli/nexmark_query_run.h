#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::cli {

/// What `sluice bench nexmark` runs: the queries of `query_dir` (bench/nexmark: ddl.sql and
/// <query>.sql) over `events` Nexmark events at `rate` events per second of event time.
struct NexmarkBenchOptions {
  std::string query_dir = "bench/nexmark";
  int64_t events = 1'000'000;
  int64_t rate = 10'000'000;
};

/// The measurements of one query's run.
struct NexmarkQueryRun {
  std::string query;
  int64_t events = 0;
  int64_t rows_out = 0;
  double wall_seconds = 0;  // Pipeline::Run only (not loading and planning)
  double cpu_seconds = 0;   // user + system of the whole child process
  int64_t peak_rss_kb = 0;  // the child process's maximum resident set
};

/// Runs query `query` (e.g. "q5") to the end of its bounded input in a child process (fork) kept
/// on one CPU: one pipeline thread and the generator's read-ahead thread, no state directory. The
/// child's CPU time and peak RSS come from wait4, so each query's memory is its own (plus the
/// binary's baseline, a few MB). Errors: the query file is missing, the pipeline fails to plan or
/// run (its message), or the child dies.
Result<NexmarkQueryRun> RunNexmarkQuery(const NexmarkBenchOptions& options,
                                        const std::string& query);

/// Returns the query names with a <name>.sql in `query_dir`, in query-number order.
std::vector<std::string> ListNexmarkQueries(const std::string& query_dir);

/// Returns the table of `runs` beside the open-source Flink figures of issue 10 (Flink 1.13,
/// events/s per core) and the ratio of sluice's events per CPU-second to them.
std::string FormatNexmarkTable(const std::vector<NexmarkQueryRun>& runs);

}  // namespace sluice::cli
