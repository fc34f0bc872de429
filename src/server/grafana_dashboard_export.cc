#include "server/grafana_dashboard_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "common/json_string.h"

namespace sluice::server {
namespace {

constexpr int kGridColumns = 24;  // Grafana's grid; sluice's has 12
constexpr int kSchemaVersion = 39;

// Seconds of one unit of an INTERVAL, and Grafana's letter for it.
struct IntervalUnit {
  const char* name;
  int64_t seconds;
  char letter;
};
constexpr IntervalUnit kUnits[] = {{"SECOND", 1, 's'},
                                   {"MINUTE", 60, 'm'},
                                   {"HOUR", 3600, 'h'},
                                   {"DAY", 86400, 'd'},
                                   {"WEEK", 604800, 'w'}};

const IntervalUnit& FindUnit(std::string unit) {
  std::transform(unit.begin(), unit.end(), unit.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (!unit.empty() && unit.back() == 'S') unit.pop_back();
  for (const auto& u : kUnits) {
    if (unit == u.name) return u;
  }
  return kUnits[0];  // the pattern only matches the names above
}

std::string DatasourceRef() {
  return fmt::format("{{\"type\":{},\"uid\":{}}}",
                     JsonString(GrafanaDashboardExport::kDatasourceType),
                     JsonString(GrafanaDashboardExport::kDatasourceUid));
}

// Grafana's unit id for a sluice unit: a few known ones, else the text as a suffix.
std::string GrafanaUnit(const std::string& unit) {
  if (unit.empty()) return "";
  if (unit == "ms" || unit == "s" || unit == "bytes") return unit;
  if (unit == "%") return "percent";
  return "suffix:" + unit;
}

// Thresholds start with Grafana's base step (the text colour below the first sluice threshold).
std::string ThresholdsJson(const DashboardPanel& p) {
  std::string steps = "{\"color\":\"text\",\"value\":null}";
  for (const auto& t : p.thresholds) {
    steps += fmt::format(",{{\"color\":{},\"value\":{}}}", JsonString(t.color), t.value);
  }
  return "{\"mode\":\"absolute\",\"steps\":[" + steps + "]}";
}

std::string MappingsJson(const DashboardPanel& p) {
  if (p.colors.empty()) return "[]";
  std::string options;
  for (size_t i = 0; i < p.colors.size(); ++i) {
    options += fmt::format("{}{}:{{\"color\":{},\"index\":{}}}", i ? "," : "",
                           JsonString(p.colors[i].first), JsonString(p.colors[i].second), i);
  }
  return "[{\"type\":\"value\",\"options\":{" + options + "}}]";
}

std::string CustomJson(const DashboardPanel& p) {
  if (p.type != "timeseries") return "{}";
  if (p.style == "bars") {
    return "{\"drawStyle\":\"bars\",\"fillOpacity\":80,\"stacking\":{\"mode\":\"normal\"}}";
  }
  if (p.style == "points") return "{\"drawStyle\":\"points\",\"pointSize\":4}";
  return "{\"drawStyle\":\"line\",\"lineWidth\":2}";
}

std::string OverridesJson(const DashboardPanel& p) {
  if (p.type != "table" || p.color_by.empty()) return "[]";
  return fmt::format(
      "[{{\"matcher\":{{\"id\":\"byName\",\"options\":{}}},\"properties\":[{{\"id\":\"custom."
      "cellOptions\",\"value\":{{\"type\":\"color-background\"}}}}]}}]",
      JsonString(p.color_by));
}

std::string FieldConfigJson(const DashboardPanel& p) {
  std::string defaults = fmt::format("\"custom\":{},\"thresholds\":{},\"mappings\":{}",
                                     CustomJson(p), ThresholdsJson(p), MappingsJson(p));
  if (!p.unit.empty()) defaults += ",\"unit\":" + JsonString(GrafanaUnit(p.unit));
  if (p.decimals >= 0) defaults += fmt::format(",\"decimals\":{}", p.decimals);
  if (!p.thresholds.empty() && p.type != "table") {
    defaults += ",\"color\":{\"mode\":\"thresholds\"}";
  }
  return fmt::format("{{\"defaults\":{{{}}},\"overrides\":{}}}", defaults, OverridesJson(p));
}

std::string OptionsJson(const DashboardPanel& p) {
  if (p.type == "stat") {
    return fmt::format(
        "{{\"reduceOptions\":{{\"calcs\":[\"lastNotNull\"],\"fields\":\"/.*/\",\"values\":false}},"
        "\"colorMode\":{},\"graphMode\":\"none\",\"textMode\":\"value\"}}",
        p.thresholds.empty() && p.colors.empty() ? "\"none\"" : "\"background\"");
  }
  if (p.type == "bar") {
    return fmt::format("{{\"xField\":{},\"orientation\":\"vertical\",\"stacking\":\"none\"}}",
                       JsonString(p.x));
  }
  if (p.type == "table") return "{\"showHeader\":true}";
  return "{\"legend\":{\"displayMode\":\"list\",\"placement\":\"bottom\",\"showLegend\":true}}";
}

const char* GrafanaType(const std::string& type) {
  if (type == "bar") return "barchart";
  return type == "stat" ? "stat" : type == "timeseries" ? "timeseries" : "table";
}

// Lays panels out left to right on rows of 24 columns; a panel that does not fit starts a row.
class GridLayout {
 public:
  std::string Place(const DashboardPanel& p) {
    int w = std::min(kGridColumns, p.width * 2);
    int h = p.type == "stat" ? 4 : 9;
    if (x_ + w > kGridColumns) {
      y_ += row_height_;
      x_ = 0;
      row_height_ = 0;
    }
    std::string out = fmt::format("{{\"h\":{},\"w\":{},\"x\":{},\"y\":{}}}", h, w, x_, y_);
    x_ += w;
    row_height_ = std::max(row_height_, h);
    return out;
  }

 private:
  int x_ = 0;
  int y_ = 0;
  int row_height_ = 0;
};

std::string GrafanaPanelJson(const DashboardPanel& p, int id, const std::string& grid_pos,
                             std::string* time_from) {
  std::string sql = GrafanaDashboardExport::RewriteTimeFilters(p.sql, time_from);
  bool series = p.type == "timeseries";
  std::string target = fmt::format(
      "{{\"refId\":\"A\",\"datasource\":{},\"editorType\":\"sql\",\"queryType\":{},\"format\":{},"
      "\"rawSql\":{}}}",
      DatasourceRef(), series ? "\"timeseries\"" : "\"table\"", series ? 0 : 1, JsonString(sql));
  std::string out = fmt::format(
      "    {{\"id\":{},\"type\":\"{}\",\"title\":{},\"gridPos\":{},\"datasource\":{},\n"
      "     \"targets\":[{}],\n     \"fieldConfig\":{},\n     \"options\":{}",
      id, GrafanaType(p.type), JsonString(p.title), grid_pos, DatasourceRef(), target,
      FieldConfigJson(p), OptionsJson(p));
  if (!time_from->empty()) out += ",\n     \"timeFrom\":" + JsonString(*time_from);
  return out + "}";
}

// Grafana's relative window "<n><u>" to seconds, for choosing the largest.
int64_t WindowSeconds(const std::string& window) {
  if (window.empty()) return 0;
  int64_t n = std::stoll(window.substr(0, window.size() - 1));
  for (const auto& u : kUnits) {
    if (u.letter == window.back()) return n * u.seconds;
  }
  return 0;
}

struct ParsedUrl {
  std::string protocol = "http";
  bool secure = false;
  std::string host;
  int port = 0;
  std::string path;
};

Result<ParsedUrl> ParseUrl(const std::string& url) {
  static const std::regex kUrl(R"(^(https?)://([^/:?#]+)(?::(\d+))?(?:/([^?#]*))?$)",
                               std::regex::icase);
  std::smatch m;
  if (!std::regex_match(url, m, kUrl)) {
    return Status::InvalidArgument(
        fmt::format("ClickHouse URL '{}': expected http[s]://host[:port][/path]", url));
  }
  ParsedUrl out;
  out.secure = m[1].str().size() == 5;
  out.host = m[2].str();
  out.port = m[3].matched ? std::stoi(m[3].str()) : (out.secure ? 8443 : 8123);
  out.path = m[4].matched ? m[4].str() : "";
  return out;
}

bool ValidName(const std::string& name) {
  return !name.empty() && name.size() <= 33 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

}  // namespace

std::string GrafanaDashboardExport::RewriteTimeFilters(const std::string& sql,
                                                       std::string* time_from) {
  static const std::regex kCondition(
      R"(\b(WHERE|AND)(\s+)([A-Za-z_][A-Za-z0-9_.]*)\s*>=\s*now\(\)\s*-\s*INTERVAL\s+'?(\d+)'?\s+(SECOND|MINUTE|HOUR|DAY|WEEK)S?\b)",
      std::regex::icase);
  std::string out;
  auto begin = std::sregex_iterator(sql.begin(), sql.end(), kCondition);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    out += sql.substr(last, m.position(0) - last);
    out += m[1].str() + m[2].str() + "$__timeFilter(" + m[3].str() + ")";
    last = m.position(0) + m.length(0);
    std::string window = m[4].str() + FindUnit(m[5].str()).letter;
    if (WindowSeconds(window) > WindowSeconds(*time_from)) *time_from = window;
  }
  return out + sql.substr(last);
}

std::string GrafanaDashboardExport::DashboardJson(const DashboardDefinition& d,
                                                  const std::string& name) {
  GridLayout layout;
  std::string panels;
  std::string widest;  // the dashboard's default range: the widest panel window
  for (size_t i = 0; i < d.panels.size(); ++i) {
    std::string time_from;
    panels += (i ? ",\n" : "") + GrafanaPanelJson(d.panels[i], static_cast<int>(i + 1),
                                                  layout.Place(d.panels[i]), &time_from);
    if (WindowSeconds(time_from) > WindowSeconds(widest)) widest = time_from;
  }
  return fmt::format(
      "{{\n  \"uid\": {},\n  \"title\": {},\n  \"tags\": [\"sluice\"],\n"
      "  \"editable\": true,\n  \"schemaVersion\": {},\n  \"version\": 1,\n"
      "  \"refresh\": \"{}s\",\n  \"time\": {{\"from\": \"now-{}\", \"to\": \"now\"}},\n"
      "  \"timepicker\": {{}},\n  \"timezone\": \"browser\",\n  \"panels\": [\n{}\n  ]\n}}\n",
      JsonString("sluice-" + name), JsonString(d.title.empty() ? name : d.title), kSchemaVersion,
      d.refresh_seconds, widest.empty() ? "1h" : widest, panels);
}

Result<std::string> GrafanaDashboardExport::DatasourceYaml(const DashboardClickHouse& clickhouse,
                                                           const std::string& url) {
  ASSIGN_OR_RETURN(ParsedUrl u, ParseUrl(url));
  std::string path = u.path.empty() ? "" : "      path: " + JsonString(u.path) + "\n";
  return fmt::format(
      "# Written by `sluice grafana export`: the ClickHouse every panel queries (uid pinned).\n"
      "apiVersion: 1\n"
      "datasources:\n"
      "  - name: ClickHouse (sluice)\n"
      "    type: {}\n"
      "    uid: {}\n"
      "    isDefault: true\n"
      "    editable: true\n"
      "    jsonData:\n"
      "      host: {}\n"
      "      port: {}\n"
      "      protocol: {}\n"
      "      secure: {}\n"
      "{}"
      "      username: {}\n"
      "      defaultDatabase: {}\n"
      "    secureJsonData:\n"
      "      password: \"${{CLICKHOUSE_PASSWORD}}\"\n",
      kDatasourceType, kDatasourceUid, JsonString(u.host), u.port, u.protocol,
      u.secure ? "true" : "false", path,
      JsonString(clickhouse.username.empty() ? "default" : clickhouse.username),
      JsonString(clickhouse.database));
}

std::string GrafanaDashboardExport::ProviderYaml(const std::string& dashboards_path) {
  return fmt::format(
      "# Written by `sluice grafana export`: loads the dashboards folder.\n"
      "apiVersion: 1\n"
      "providers:\n"
      "  - name: sluice\n"
      "    orgId: 1\n"
      "    folder: sluice\n"
      "    type: file\n"
      "    disableDeletion: false\n"
      "    allowUiUpdates: true\n"
      "    updateIntervalSeconds: 30\n"
      "    options:\n"
      "      path: {}\n"
      "      foldersFromFilesStructure: false\n",
      JsonString(dashboards_path));
}

Result<std::vector<GrafanaFile>> GrafanaDashboardExport::Export(
    const DashboardDefinition& definition, const GrafanaExportOptions& options) {
  if (!ValidName(options.name)) {
    return Status::InvalidArgument(
        fmt::format("dashboard name '{}': use 1 to 33 letters, digits, '_' and '-'", options.name));
  }
  const std::string& url =
      options.clickhouse_url.empty() ? definition.clickhouse.url : options.clickhouse_url;
  ASSIGN_OR_RETURN(std::string datasource, DatasourceYaml(definition.clickhouse, url));
  return std::vector<GrafanaFile>{
      {"provisioning/datasources/clickhouse.yaml", std::move(datasource)},
      {"provisioning/dashboards/sluice.yaml", ProviderYaml(options.dashboards_path)},
      {"dashboards/" + options.name + ".json", DashboardJson(definition, options.name)}};
}

}  // namespace sluice::server
