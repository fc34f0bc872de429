#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/tests/subprocess.h"
#include "common/status.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {

/// One run of an example under examples/<name>/ for the example tests: applies the example's
/// clickhouse.sql with `sluice clickhouse apply`, starts the development Kafka broker (`sluice
/// kafka serve`) with single-partition topics and `sluice run <example>/pipeline.sql` against
/// both. Lifecycle: Start, Produce any number of times, then Stop once (the destructor kills
/// what is left). Used by one thread.
class ExamplePipelineRun {
 public:
  /// Starts the run with the topics `topics` (comma-separated); `env` adds variables for the
  /// pipeline (KAFKA_BROKERS, CLICKHOUSE_URL, SLUICE_HTTP_PORT, EPOCH_INTERVAL and STATE_DIR are
  /// set here).
  static Result<std::unique_ptr<ExamplePipelineRun>> Start(const std::string& example,
                                                           const std::string& clickhouse_url,
                                                           const std::string& topics,
                                                           const EnvVars& env);

  /// Sends `lines` (one JSON message each) to `topic` (default: the first topic) with `sluice
  /// kafka produce --file`.
  Status Produce(const std::vector<std::string>& lines, const std::string& topic = "");

  /// Stops the pipeline with SIGTERM and returns its output; stops the broker.
  SubprocessOutput Stop();

  /// Returns the sum of the Prometheus metric `name` from the pipeline's /metrics over the series
  /// whose labels contain `label_part` (SumSamples), or -1 when there is none or no answer.
  double MetricSum(const std::string& name, const std::string& label_part = "") const;

  /// Returns the path of the sluice binary under test.
  static std::string Binary();

  /// Returns the non-empty lines of `text` (a query's TSV answer), sorted.
  static std::vector<std::string> SortedLines(const std::string& text);

  /// Calls `done` every 200 ms until it returns true or `deadline` passes; returns its last
  /// answer.
  static bool WaitFor(const std::function<bool()>& done, std::chrono::seconds deadline);

 private:
  ExamplePipelineRun() = default;

  std::string topic_;
  std::string brokers_;
  ::sluice::testing::TempDir dir_;
  int produced_files_ = 0;
  int port_ = 0;
  std::unique_ptr<Subprocess> broker_;
  std::unique_ptr<Subprocess> pipeline_;
};

}  // namespace sluice::cli::testing
