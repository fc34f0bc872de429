#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/child_process.h"
#include "common/status.h"
#include "connectors/clickhouse/local_clickhouse_server.h"
#include "connectors/kafka/mock_cluster.h"

namespace sluice::cli {

/// `sluice demo [--pipeline orders-cdc]`: starts on 127.0.0.1 everything an example needs — a
/// ClickHouse server (Debian's binary, data under `--dir`, default ./.sluice/demo), the
/// development Kafka broker (in this process), a producer of the orders scenario (`sluice kafka
/// produce --scenario orders` as a child process), applies the example's clickhouse.sql, and
/// runs the example's pipeline.sql (`sluice run`, a child) with its dashboard on `--port`
/// (8080, or a free port when that is taken). Prints "dashboard at http://..." once the
/// dashboard answers and runs until Ctrl-C (or a child fails), then stops what it started, in
/// reverse order. Lifecycle: construct with the app (adds the subcommand), parse, then Run if
/// parsed(). Runs on the main thread.
class DemoCommand {
 public:
  explicit DemoCommand(CLI::App* app);
  bool parsed() const { return demo_->parsed(); }
  /// Runs the demo; returns the process exit code.
  int Run();

 private:
  Status Start();
  Status StartClickHouse();
  Status StartKafka();
  Status StartPipeline();
  Status WaitForDashboard();
  void Stop();
  std::string ExampleDir() const;

  CLI::App* demo_;
  std::string pipeline_ = "orders-cdc";
  std::string dir_ = ".sluice/demo";
  std::string examples_;
  int port_ = 8080;
  double rate_ = 50;
  int history_minutes_ = 20;
  int timeout_seconds_ = 180;

  std::string self_;  // path of the sluice binary
  std::string topic_ = "cdc.orders_db.orders";
  int http_port_ = 0;
  std::unique_ptr<connectors::LocalClickHouseServer> clickhouse_;
  std::unique_ptr<connectors::MockCluster> kafka_;
  std::unique_ptr<ChildProcess> producer_;
  std::unique_ptr<ChildProcess> pipeline_process_;
};

}  // namespace sluice::cli
