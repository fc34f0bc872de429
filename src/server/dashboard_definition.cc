#include "server/dashboard_definition.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "common/env_substitution.h"
#include "common/json_string.h"

namespace sluice::server {
namespace {

namespace dom = simdjson::dom;

// Reads the fields of one JSON object, with errors naming the file and the field path.
class FieldReader {
 public:
  FieldReader(dom::object object, std::string file, std::string path)
      : object_(object), file_(std::move(file)), path_(std::move(path)) {}

  Status Error(const std::string& field, const std::string& what) const {
    return Status::InvalidArgument(fmt::format("{}: {}{}: {}", file_, path_, field, what));
  }
  std::string Path(const std::string& field) const { return path_ + field; }

  // Fails on a field not in `known`.
  Status CheckKnown(const std::set<std::string>& known) const {
    for (auto field : object_) {
      std::string key(field.key);
      if (!known.count(key)) return Error(key, "unknown field");
    }
    return Status::Ok();
  }

  Result<std::optional<dom::element>> Get(const std::string& field) const {
    dom::element e;
    if (object_[field].get(e) != simdjson::SUCCESS) return std::optional<dom::element>();
    return std::optional<dom::element>(e);
  }

  Status String(const std::string& field, bool required, std::string* out) const {
    ASSIGN_OR_RETURN(auto e, Get(field));
    if (!e) return required ? Error(field, "missing") : Status::Ok();
    std::string_view s;
    if (e->get(s) != simdjson::SUCCESS) return Error(field, "expected a string");
    ASSIGN_OR_RETURN(*out, SubstituteEnv(s));
    if (required && out->empty()) return Error(field, "must not be empty");
    return Status::Ok();
  }

  Status Int(const std::string& field, int min, int max, int* out) const {
    ASSIGN_OR_RETURN(auto e, Get(field));
    if (!e) return Status::Ok();
    int64_t v = 0;
    if (e->get(v) != simdjson::SUCCESS || v < min || v > max) {
      return Error(field, fmt::format("expected an integer from {} to {}", min, max));
    }
    *out = static_cast<int>(v);
    return Status::Ok();
  }

  Status Strings(const std::string& field, std::vector<std::string>* out) const {
    ASSIGN_OR_RETURN(auto e, Get(field));
    if (!e) return Status::Ok();
    std::string_view s;
    if (e->get(s) == simdjson::SUCCESS) {
      out->emplace_back(s);
      return Status::Ok();
    }
    dom::array array;
    if (e->get(array) != simdjson::SUCCESS) return Error(field, "expected a string or a list");
    for (dom::element item : array) {
      if (item.get(s) != simdjson::SUCCESS) return Error(field, "expected strings in the list");
      out->emplace_back(s);
    }
    return Status::Ok();
  }

  Status Object(const std::string& field, dom::object* out, bool* present) const {
    ASSIGN_OR_RETURN(auto e, Get(field));
    *present = e.has_value();
    if (e && e->get(*out) != simdjson::SUCCESS) return Error(field, "expected an object");
    return Status::Ok();
  }

 private:
  dom::object object_;
  std::string file_;
  std::string path_;
};

Status ReadThresholds(const FieldReader& r, DashboardPanel* panel) {
  ASSIGN_OR_RETURN(auto e, r.Get("thresholds"));
  if (!e) return Status::Ok();
  dom::array array;
  if (e->get(array) != simdjson::SUCCESS) return r.Error("thresholds", "expected a list");
  for (dom::element item : array) {
    dom::object o;
    DashboardThreshold t;
    std::string_view color;
    if (item.get(o) != simdjson::SUCCESS || o["value"].get(t.value) != simdjson::SUCCESS ||
        o["color"].get(color) != simdjson::SUCCESS) {
      return r.Error("thresholds", "expected a list of {\"value\": number, \"color\": string}");
    }
    t.color = color;
    panel->thresholds.push_back(std::move(t));
  }
  std::sort(panel->thresholds.begin(), panel->thresholds.end(),
            [](const auto& a, const auto& b) { return a.value < b.value; });
  return Status::Ok();
}

Status ReadColors(const FieldReader& r, DashboardPanel* panel) {
  dom::object o;
  bool present = false;
  RETURN_IF_ERROR(r.Object("colors", &o, &present));
  if (!present) return Status::Ok();
  for (auto field : o) {
    std::string_view color;
    if (field.value.get(color) != simdjson::SUCCESS) {
      return r.Error("colors." + std::string(field.key), "expected a colour string");
    }
    panel->colors.emplace_back(std::string(field.key), std::string(color));
  }
  return Status::Ok();
}

bool ValidId(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// Removes trailing blanks and semicolons: the server appends FORMAT JSON.
std::string TrimQuery(std::string sql) {
  while (!sql.empty() &&
         (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';'))
    sql.pop_back();
  return sql;
}

Result<DashboardPanel> ReadPanel(const FieldReader& r) {
  RETURN_IF_ERROR(
      r.CheckKnown({"id", "title", "type", "sql", "refresh_seconds", "width", "unit", "decimals",
                    "x", "y", "series", "style", "color_by", "thresholds", "colors"}));
  DashboardPanel p;
  RETURN_IF_ERROR(r.String("id", true, &p.id));
  if (!ValidId(p.id)) return r.Error("id", "use letters, digits, '_' and '-' only");
  RETURN_IF_ERROR(r.String("title", true, &p.title));
  RETURN_IF_ERROR(r.String("type", true, &p.type));
  static const std::set<std::string> kTypes = {"stat", "timeseries", "bar", "table"};
  if (!kTypes.count(p.type)) {
    return r.Error("type", "expected one of stat, timeseries, bar, table");
  }
  RETURN_IF_ERROR(r.String("sql", true, &p.sql));
  p.sql = TrimQuery(p.sql);
  RETURN_IF_ERROR(r.Int("refresh_seconds", 1, 3600, &p.refresh_seconds));
  RETURN_IF_ERROR(r.Int("width", 1, 12, &p.width));
  RETURN_IF_ERROR(r.String("unit", false, &p.unit));
  RETURN_IF_ERROR(r.Int("decimals", 0, 10, &p.decimals));
  RETURN_IF_ERROR(r.String("x", false, &p.x));
  RETURN_IF_ERROR(r.Strings("y", &p.y));
  RETURN_IF_ERROR(r.String("series", false, &p.series));
  RETURN_IF_ERROR(r.String("style", false, &p.style));
  if (!p.style.empty() && p.style != "line" && p.style != "bars" && p.style != "points") {
    return r.Error("style", "expected one of line, bars, points");
  }
  RETURN_IF_ERROR(r.String("color_by", false, &p.color_by));
  if ((p.type == "timeseries" || p.type == "bar") && (p.x.empty() || p.y.empty())) {
    return r.Error(p.x.empty() ? "x" : "y", "missing: a " + p.type + " panel needs x and y");
  }
  RETURN_IF_ERROR(ReadThresholds(r, &p));
  RETURN_IF_ERROR(ReadColors(r, &p));
  return p;
}

Status ReadClickHouse(const FieldReader& top, DashboardDefinition* d, const std::string& file) {
  dom::object o;
  bool present = false;
  RETURN_IF_ERROR(top.Object("clickhouse", &o, &present));
  if (!present) return Status::Ok();
  FieldReader r(o, file, "clickhouse.");
  RETURN_IF_ERROR(r.CheckKnown({"url", "database", "username", "password"}));
  RETURN_IF_ERROR(r.String("url", false, &d->clickhouse.url));
  RETURN_IF_ERROR(r.String("database", false, &d->clickhouse.database));
  RETURN_IF_ERROR(r.String("username", false, &d->clickhouse.username));
  return r.String("password", false, &d->clickhouse.password);
}

std::string JsonStrings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + JsonString(values[i]);
  return out + "]";
}

std::string PanelJson(const DashboardPanel& p, int default_refresh) {
  std::string thresholds = "[";
  for (size_t i = 0; i < p.thresholds.size(); ++i) {
    thresholds += fmt::format("{}{{\"value\":{},\"color\":{}}}", i ? "," : "",
                              p.thresholds[i].value, JsonString(p.thresholds[i].color));
  }
  std::string colors = "{";
  for (size_t i = 0; i < p.colors.size(); ++i) {
    colors += fmt::format("{}{}:{}", i ? "," : "", JsonString(p.colors[i].first),
                          JsonString(p.colors[i].second));
  }
  return fmt::format(
      "{{\"id\":{},\"title\":{},\"type\":{},\"refresh_seconds\":{},\"width\":{},\"unit\":{},"
      "\"decimals\":{},\"x\":{},\"y\":{},\"series\":{},\"style\":{},\"color_by\":{},"
      "\"thresholds\":{}],\"colors\":{}}}}}",
      JsonString(p.id), JsonString(p.title), JsonString(p.type),
      p.refresh_seconds > 0 ? p.refresh_seconds : default_refresh, p.width, JsonString(p.unit),
      p.decimals, JsonString(p.x), JsonStrings(p.y), JsonString(p.series),
      JsonString(p.style.empty() ? "line" : p.style), JsonString(p.color_by), thresholds, colors);
}

}  // namespace

Result<DashboardDefinition> DashboardDefinition::Parse(const std::string& json,
                                                       const std::string& file_name) {
  dom::parser parser;
  dom::element root;
  if (auto err = parser.parse(json).get(root); err != simdjson::SUCCESS) {
    return Status::InvalidArgument(
        fmt::format("{}: not valid JSON: {}", file_name, simdjson::error_message(err)));
  }
  dom::object top_object;
  if (root.get(top_object) != simdjson::SUCCESS) {
    return Status::InvalidArgument(file_name + ": expected a JSON object at the top");
  }
  FieldReader top(top_object, file_name, "");
  RETURN_IF_ERROR(top.CheckKnown({"title", "refresh_seconds", "clickhouse", "panels"}));
  DashboardDefinition d;
  RETURN_IF_ERROR(top.String("title", false, &d.title));
  RETURN_IF_ERROR(top.Int("refresh_seconds", 1, 3600, &d.refresh_seconds));
  RETURN_IF_ERROR(ReadClickHouse(top, &d, file_name));
  ASSIGN_OR_RETURN(auto panels, top.Get("panels"));
  dom::array array;
  if (!panels || panels->get(array) != simdjson::SUCCESS || array.size() == 0) {
    return top.Error("panels", "expected a non-empty list of panels");
  }
  size_t i = 0;
  for (dom::element item : array) {
    dom::object o;
    std::string path = fmt::format("panels[{}]", i++);
    if (item.get(o) != simdjson::SUCCESS) return top.Error(path, "expected an object");
    ASSIGN_OR_RETURN(DashboardPanel p, ReadPanel(FieldReader(o, file_name, path + ".")));
    if (d.Find(p.id) != nullptr) {
      return top.Error(path + ".id", fmt::format("'{}' is used by an earlier panel", p.id));
    }
    d.panels.push_back(std::move(p));
  }
  return d;
}

Result<DashboardDefinition> DashboardDefinition::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(fmt::format("cannot read dashboard file '{}'", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

const DashboardPanel* DashboardDefinition::Find(const std::string& id) const {
  for (const auto& p : panels) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::string DashboardDefinition::ToPublicJson() const {
  std::string out = fmt::format("{{\"title\":{},\"refresh_seconds\":{},\"panels\":[",
                                JsonString(title), refresh_seconds);
  for (size_t i = 0; i < panels.size(); ++i) {
    out += (i ? "," : "") + PanelJson(panels[i], refresh_seconds);
  }
  return out + "]}";
}

}  // namespace sluice::server
