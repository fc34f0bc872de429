#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace sluice::cli {

/// The `sluice grafana export DASHBOARD.json --out DIR [--name N] [--clickhouse-url URL]
/// [--dashboards-path P]` command: writes Grafana file provisioning for a sluice dashboard
/// definition (server/grafana_dashboard_export.h) under DIR:
/// provisioning/datasources/clickhouse.yaml, provisioning/dashboards/sluice.yaml and
/// dashboards/<name>.json, printing one line per file. The name defaults to the file's stem, or
/// its folder's name when the stem is "dashboard" (examples/orders-cdc/dashboard.json:
/// orders-cdc). Exit codes: 0 written; 1 a file could not be written; 2 bad arguments or
/// definition. Lifecycle: construct with the app (adds the subcommand), parse, then Run if
/// parsed().
class GrafanaCommand {
 public:
  explicit GrafanaCommand(CLI::App* app);
  bool parsed() const { return grafana_->parsed(); }
  /// Runs the chosen subcommand; returns the process exit code.
  int Run();

 private:
  int Export();

  CLI::App* grafana_;
  CLI::App* export_;
  std::string file_;
  std::string out_dir_;
  std::string name_;
  std::string clickhouse_url_;
  std::string dashboards_path_ = "/var/lib/grafana/dashboards";
};

}  // namespace sluice::cli
