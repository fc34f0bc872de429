#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "server/dashboard_definition.h"

namespace sluice::server {

/// What `sluice grafana export` is told besides the dashboard definition.
struct GrafanaExportOptions {
  std::string name;            // [A-Za-z0-9_-]+: dashboards/<name>.json and uid "sluice-<name>"
  std::string clickhouse_url;  // empty: the definition's clickhouse.url
  /// Where Grafana sees the dashboards folder (the file provider's path).
  std::string dashboards_path = "/var/lib/grafana/dashboards";
};

/// One file to write, relative to the export directory.
struct GrafanaFile {
  std::string path;  // e.g. "provisioning/datasources/clickhouse.yaml"
  std::string content;
};

/// Translates a sluice dashboard definition into Grafana file provisioning for the
/// grafana-clickhouse-datasource plugin: a datasource with the pinned uid kDatasourceUid (every
/// panel and target names it), a file dashboard provider, and the dashboard model itself (the
/// bare model with uid, title, panels, refresh, time, schemaVersion; never the HTTP API's
/// {"dashboard": ..., "overwrite": ...} wrapper, which file provisioning does not read).
///
/// Time filters: a condition `WHERE|AND <column> >= now() - INTERVAL <n> <unit>` in a panel's SQL
/// becomes `$__timeFilter(<column>)` and the panel gets Grafana's relative time override
/// `timeFrom: "<n><u>"`, so it shows the same window by default and follows the time picker's
/// end; other SQL (e.g. `if(max(t) >= now() - INTERVAL 10 MINUTE, ...)`) is kept as written.
///
/// Pure functions of their arguments; any thread.
class GrafanaDashboardExport {
 public:
  static constexpr const char* kDatasourceUid = "sluice-clickhouse";
  static constexpr const char* kDatasourceType = "grafana-clickhouse-datasource";

  /// Returns the three files; fails on a bad name or ClickHouse URL.
  static Result<std::vector<GrafanaFile>> Export(const DashboardDefinition& definition,
                                                 const GrafanaExportOptions& options);
  /// Returns the dashboard model (JSON) for `name`.
  static std::string DashboardJson(const DashboardDefinition& definition, const std::string& name);
  /// Returns the datasource provisioning YAML for the ClickHouse at `url`; the password is never
  /// written: Grafana reads it from its environment ($CLICKHOUSE_PASSWORD).
  static Result<std::string> DatasourceYaml(const DashboardClickHouse& clickhouse,
                                            const std::string& url);
  /// Returns the dashboard provider YAML reading `dashboards_path`.
  static std::string ProviderYaml(const std::string& dashboards_path);
  /// Applies the time filter rule to `sql`; sets `*time_from` to the largest window replaced
  /// ("3h"), or leaves it empty when nothing was.
  static std::string RewriteTimeFilters(const std::string& sql, std::string* time_from);
};

}  // namespace sluice::server
