#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "server/dashboard_definition.h"

namespace httplib {
class Server;
}

namespace sluice::server {

/// The built-in dashboard: GET / (the page), GET /assets/<file> (its script and style, compiled
/// into the binary), GET /api/dashboard (the definition without SQL) and GET /api/panels/<id>
/// (runs that panel's query, and only that one, on the dashboard's ClickHouse with FORMAT JSON).
/// The browser never sends SQL. The pipeline page of the dashboard reads /api/status.
///
/// Lifecycle: construct with a definition, Register on a server before it listens; the service
/// must outlive the server. Thread-safe: requests run on the server's threads, each panel query
/// on its own HTTP connection.
class DashboardService {
 public:
  explicit DashboardService(DashboardDefinition definition);

  /// Loads the definition named by SET 'server.dashboard' = `setting`, a path relative to the
  /// directory of `pipeline_file`; returns nullptr when `setting` is empty.
  static Result<std::unique_ptr<DashboardService>> Load(const std::string& setting,
                                                        const std::string& pipeline_file);

  /// Adds the dashboard's routes to `server`.
  void Register(httplib::Server& server) const;

  /// Returns `{"id": ..., "columns": [{"name","type"}...], "rows": [{...}, ...]}` for panel `id`:
  /// kNotFound for an unknown panel, ClickHouse's error otherwise.
  Result<std::string> RunPanel(const std::string& id) const;

  const DashboardDefinition& definition() const { return definition_; }

 private:
  DashboardDefinition definition_;
  std::string public_json_;
};

}  // namespace sluice::server
