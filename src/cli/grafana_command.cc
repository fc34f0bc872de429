#include "cli/grafana_command.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/sluice_cli.h"
#include "server/dashboard_definition.h"
#include "server/grafana_dashboard_export.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

std::string DefaultName(const std::string& file) {
  fs::path path = fs::absolute(file).lexically_normal();
  std::string stem = path.stem().string();
  if (stem == "dashboard" && path.has_parent_path()) {
    return path.parent_path().filename().string();
  }
  return stem;
}

Status WriteFile(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return Status::IoError("cannot create " + path.parent_path().string() + ": " + ec.message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return Status::IoError("cannot write " + path.string());
  return Status::Ok();
}

}  // namespace

GrafanaCommand::GrafanaCommand(CLI::App* app) {
  grafana_ = app->add_subcommand("grafana", "Grafana provisioning for sluice dashboards");
  grafana_->require_subcommand(1);
  export_ = grafana_->add_subcommand(
      "export",
      "Write Grafana file provisioning (ClickHouse datasource, dashboard provider, dashboard "
      "JSON) for a sluice dashboard definition");
  export_->add_option("DASHBOARD", file_, "Dashboard definition (.json)")->required();
  export_->add_option("--out", out_dir_, "Directory to write into")->required();
  export_->add_option("--name", name_,
                      "Dashboard file name and uid suffix (default: from the file name)");
  export_->add_option("--clickhouse-url", clickhouse_url_,
                      "ClickHouse HTTP URL as Grafana reaches it (default: the definition's)");
  export_
      ->add_option("--dashboards-path", dashboards_path_,
                   "Where Grafana sees DIR/dashboards (the file provider's path)")
      ->capture_default_str();
}

int GrafanaCommand::Run() {
  if (export_->parsed()) return Export();
  return kExitUserError;
}

int GrafanaCommand::Export() {
  auto definition = server::DashboardDefinition::Load(file_);
  if (!definition.ok()) {
    std::fprintf(stderr, "%s\n", definition.status().message().c_str());
    return kExitUserError;
  }
  server::GrafanaExportOptions options;
  options.name = name_.empty() ? DefaultName(file_) : name_;
  options.clickhouse_url = clickhouse_url_;
  options.dashboards_path = dashboards_path_;
  auto files = server::GrafanaDashboardExport::Export(*definition, options);
  if (!files.ok()) {
    std::fprintf(stderr, "%s\n", files.status().message().c_str());
    return kExitUserError;
  }
  for (const auto& file : *files) {
    fs::path path = fs::path(out_dir_) / file.path;
    Status written = WriteFile(path, file.content);
    if (!written.ok()) {
      std::fprintf(stderr, "%s\n", written.message().c_str());
      return kExitRuntimeError;
    }
    std::printf("wrote %s\n", path.string().c_str());
  }
  return kExitOk;
}

}  // namespace sluice::cli
