#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::server {

/// A colour that applies from `value` upwards (numeric thresholds, sorted ascending).
struct DashboardThreshold {
  double value = 0;
  std::string color;
};

/// One panel of a dashboard: a title, one SQL query against the pipeline's ClickHouse and how
/// to draw its rows.
struct DashboardPanel {
  std::string id;  // [A-Za-z0-9_-]+, unique: /api/panels/<id>
  std::string title;
  std::string type;            // stat, timeseries, bar or table
  std::string sql;             // a SELECT without FORMAT; never sent to the browser
  int refresh_seconds = 0;     // 0: the dashboard's
  int width = 4;               // of a 12-column grid
  std::string unit;            // shown after stat values and axis ticks
  int decimals = -1;           // -1: automatic
  std::string x;               // timeseries and bar: the column on the x axis
  std::vector<std::string> y;  // timeseries and bar: the value columns
  std::string series;          // timeseries and bar: a column whose values are separate series
  std::string style;           // timeseries: line, bars (stacked) or points
  std::string color_by;        // table: the column whose value picks a row colour from `colors`
  std::vector<DashboardThreshold> thresholds;
  std::vector<std::pair<std::string, std::string>> colors;  // text value -> colour
};

/// Where the panels' queries go; values may hold ${VAR:-default}, substituted at load.
struct DashboardClickHouse {
  std::string url = "http://localhost:8123";
  std::string database = "default";
  std::string username;
  std::string password;
};

/// A dashboard definition file (JSON), named by SET 'server.dashboard':
///
///   {"title": "...", "refresh_seconds": 10,
///    "clickhouse": {"url": "${CLICKHOUSE_URL:-http://localhost:8123}", "database": "db"},
///    "panels": [{"id": "total", "title": "Total Orders", "type": "stat",
///                "sql": "SELECT count() AS v FROM raw_orders", "thresholds": [...]}, ...]}
///
/// Immutable after Parse/Load; safe to read from any thread.
struct DashboardDefinition {
  std::string title;
  int refresh_seconds = 10;
  DashboardClickHouse clickhouse;
  std::vector<DashboardPanel> panels;

  /// Parses `json`; errors name `file_name` and the field, e.g.
  /// "dashboard.json: panels[2].type: expected one of stat, timeseries, bar, table". Unknown
  /// fields are errors too (a typo must not be silently ignored).
  static Result<DashboardDefinition> Parse(const std::string& json, const std::string& file_name);
  /// Reads and parses the file at `path`.
  static Result<DashboardDefinition> Load(const std::string& path);

  /// Returns the panel named `id`, or nullptr.
  const DashboardPanel* Find(const std::string& id) const;
  /// Returns the definition as JSON for the browser: everything but the SQL and the ClickHouse
  /// connection.
  std::string ToPublicJson() const;
};

}  // namespace sluice::server
