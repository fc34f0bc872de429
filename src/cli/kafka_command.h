#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace sluice::cli {

/// The `sluice kafka serve | produce` commands: the development broker (librdkafka's in-memory
/// mock cluster) and a paced producer of NDJSON files. Lifecycle: construct with the app (adds
/// the subcommand), parse, then Run if parsed().
class KafkaCommand {
 public:
  explicit KafkaCommand(CLI::App* app);
  bool parsed() const { return kafka_->parsed(); }
  /// Runs the chosen subcommand; returns the process exit code. Stops on SIGINT/SIGTERM.
  int Run();

 private:
  int Serve();
  int Produce();

  CLI::App* kafka_;
  CLI::App* serve_;
  CLI::App* produce_;
  int port_ = 0;
  int partitions_ = 3;
  std::vector<std::string> topics_;
  std::string brokers_;
  std::string topic_;
  std::string file_;
  double rate_ = 0;
};

}  // namespace sluice::cli
