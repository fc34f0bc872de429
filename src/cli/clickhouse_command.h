#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace sluice::cli {

/// The `sluice clickhouse apply FILE.sql [--url URL] [--user U] [--password P]` command: runs a
/// DDL file statement by statement against ClickHouse, idempotently (see
/// connectors/clickhouse/clickhouse_ddl_applier.h), printing one line per statement. Exit codes:
/// 0 every statement created, skipped or done; 1 the server did not answer or went away; 2 the
/// file cannot be read or a statement failed. Lifecycle: construct with the app (adds the
/// subcommand), parse, then Run if parsed().
class ClickHouseCommand {
 public:
  explicit ClickHouseCommand(CLI::App* app);
  bool parsed() const { return clickhouse_->parsed(); }
  /// Runs the chosen subcommand; returns the process exit code.
  int Run();

 private:
  int Apply();

  CLI::App* clickhouse_;
  CLI::App* apply_;
  std::string file_;
  std::string url_ = "http://localhost:8123";
  std::string user_;
  std::string password_;
  double wait_seconds_ = 60;
};

}  // namespace sluice::cli
