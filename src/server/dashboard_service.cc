#include "server/dashboard_service.h"

#include <fmt/format.h>
#include <httplib.h>

#include <filesystem>

#include "common/json_string.h"
#include "connectors/clickhouse/clickhouse_http_client.h"
#include "server/dashboard_assets.h"

namespace sluice::server {
namespace {

constexpr int64_t kPanelQueryTimeoutMs = 15000;

std::string_view ContentType(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "application/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

void ServeAsset(std::string_view name, httplib::Response& res) {
  const DashboardAsset* asset = FindDashboardAsset(name);
  if (asset == nullptr) {
    res.status = 404;
    res.set_content("not found\n", "text/plain");
    return;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::string(asset->body), std::string(ContentType(name)));
}

}  // namespace

DashboardService::DashboardService(DashboardDefinition definition)
    : definition_(std::move(definition)), public_json_(definition_.ToPublicJson()) {}

Result<std::unique_ptr<DashboardService>> DashboardService::Load(const std::string& setting,
                                                                 const std::string& pipeline_file) {
  if (setting.empty()) return std::unique_ptr<DashboardService>();
  std::filesystem::path path(setting);
  if (path.is_relative()) path = std::filesystem::path(pipeline_file).parent_path() / path;
  ASSIGN_OR_RETURN(DashboardDefinition definition, DashboardDefinition::Load(path.string()));
  return std::make_unique<DashboardService>(std::move(definition));
}

Result<std::string> DashboardService::RunPanel(const std::string& id) const {
  const DashboardPanel* panel = definition_.Find(id);
  if (panel == nullptr) return Status::NotFound(fmt::format("no panel '{}'", id));
  const DashboardClickHouse& ch = definition_.clickhouse;
  connectors::ClickHouseHttpClient client(ch.url, ch.username, ch.password, kPanelQueryTimeoutMs);
  ASSIGN_OR_RETURN(std::string body, client.Query(panel->sql + "\nFORMAT JSON",
                                                  {{"database", ch.database},
                                                   {"output_format_json_quote_64bit_integers", "0"},
                                                   {"max_execution_time", "10"}}));
  return fmt::format("{{\"id\":{},\"result\":{}}}", JsonString(id), body);
}

void DashboardService::Register(httplib::Server& server) const {
  server.Get(
      "/", [](const httplib::Request&, httplib::Response& res) { ServeAsset("index.html", res); });
  server.Get(R"(/assets/([A-Za-z0-9_.-]+))",
             [](const httplib::Request& req, httplib::Response& res) {
               ServeAsset(req.matches[1].str(), res);
             });
  server.Get("/api/dashboard", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(public_json_, "application/json");
  });
  server.Get(R"(/api/panels/([A-Za-z0-9_-]+))", [this](const httplib::Request& req,
                                                       httplib::Response& res) {
    auto result = RunPanel(req.matches[1].str());
    if (result.ok()) {
      res.set_content(*result, "application/json");
      return;
    }
    res.status = result.status().code() == StatusCode::kNotFound ? 404 : 502;
    res.set_content(fmt::format("{{\"error\":{}}}", JsonString(result.status().message())),
                    "application/json");
  });
}

}  // namespace sluice::server
