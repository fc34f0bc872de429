#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::cli {

/// The `sluice kafka serve | produce` commands: the development broker (librdkafka's in-memory
/// mock cluster) and a paced producer of NDJSON files or of a datagen scenario's events
/// (`--scenario orders`, see connectors/datagen/orders_scenario.h). Lifecycle: construct with the
/// app (adds the subcommand), parse, then Run if parsed().
class KafkaCommand {
 public:
  explicit KafkaCommand(CLI::App* app);
  bool parsed() const { return kafka_->parsed(); }
  /// Runs the chosen subcommand; returns the process exit code. Stops on SIGINT/SIGTERM.
  int Run();

 private:
  int Serve();
  int Produce();
  Result<int64_t> ProduceScenario();

  CLI::App* kafka_;
  CLI::App* serve_;
  CLI::App* produce_;
  int port_ = 0;
  int partitions_ = 3;
  std::vector<std::string> topics_;
  std::string brokers_;
  std::string topic_;
  std::string file_;
  std::string scenario_;  // --scenario: generated events instead of --file
  uint64_t seed_ = 42;
  int64_t count_ = 0;
  int64_t history_minutes_ = 0;
  double rate_ = 0;
};

}  // namespace sluice::cli
