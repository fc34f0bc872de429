// Dashboard definition files: a full definition read field by field, ${VAR} substitution, the
// public JSON without SQL, and one error per kind of mistake naming the file and the field.

#include "server/dashboard_definition.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

namespace sluice::server {
namespace {

const char* kDefinition = R"({
  "title": "Orders", "refresh_seconds": 7,
  "clickhouse": {"url": "${DASH_TEST_URL:-http://ch:8123}", "database": "cdc"},
  "panels": [
    {"id": "total", "title": "Total", "type": "stat", "sql": "SELECT count() FROM t ;\n",
     "unit": "ms", "decimals": 1,
     "thresholds": [{"value": 50, "color": "red"}, {"value": 0, "color": "green"}]},
    {"id": "vol", "title": "Volume", "type": "timeseries", "style": "bars", "width": 8,
     "x": "window_start", "y": "amount", "series": "symbol", "refresh_seconds": 3,
     "sql": "SELECT window_start, symbol, amount FROM agg"},
    {"id": "alerts", "title": "Alerts", "type": "table", "color_by": "kind",
     "colors": {"BIG": "orange"}, "sql": "SELECT kind FROM alerts"}
  ]})";

std::string ErrorOf(const std::string& json) {
  auto d = DashboardDefinition::Parse(json, "dash.json");
  return d.ok() ? "ok" : d.status().message();
}

std::string WithPanel(const std::string& panel) { return R"({"panels": [)" + panel + "]}"; }

TEST(DashboardDefinitionTest, ReadsEveryField) {
  unsetenv("DASH_TEST_URL");
  auto d = DashboardDefinition::Parse(kDefinition, "dash.json");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->title, "Orders");
  EXPECT_EQ(d->refresh_seconds, 7);
  EXPECT_EQ(d->clickhouse.url, "http://ch:8123");
  EXPECT_EQ(d->clickhouse.database, "cdc");
  ASSERT_EQ(d->panels.size(), 3u);
  const DashboardPanel& total = d->panels[0];
  EXPECT_EQ(total.sql, "SELECT count() FROM t");  // trailing ';' and blanks removed
  EXPECT_EQ(total.unit, "ms");
  EXPECT_EQ(total.decimals, 1);
  ASSERT_EQ(total.thresholds.size(), 2u);
  EXPECT_EQ(total.thresholds[0].value, 0);  // sorted ascending
  EXPECT_EQ(total.thresholds[0].color, "green");
  EXPECT_EQ(total.thresholds[1].color, "red");
  const DashboardPanel& vol = d->panels[1];
  EXPECT_EQ(vol.width, 8);
  EXPECT_EQ(vol.style, "bars");
  EXPECT_EQ(vol.y, std::vector<std::string>{"amount"});
  EXPECT_EQ(vol.series, "symbol");
  EXPECT_EQ(vol.refresh_seconds, 3);
  ASSERT_NE(d->Find("alerts"), nullptr);
  EXPECT_EQ(d->Find("alerts")->colors[0], (std::pair<std::string, std::string>{"BIG", "orange"}));
  EXPECT_EQ(d->Find("nope"), nullptr);
}

TEST(DashboardDefinitionTest, SubstitutesEnvironment) {
  setenv("DASH_TEST_URL", "http://10.0.0.5:8123", 1);
  auto d = DashboardDefinition::Parse(kDefinition, "dash.json");
  unsetenv("DASH_TEST_URL");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->clickhouse.url, "http://10.0.0.5:8123");
}

TEST(DashboardDefinitionTest, PublicJsonHasNoSqlAndDefaultsRefresh) {
  auto d = DashboardDefinition::Parse(kDefinition, "dash.json");
  ASSERT_TRUE(d.ok());
  std::string json = d->ToPublicJson();
  EXPECT_EQ(json.find("SELECT"), std::string::npos) << json;
  EXPECT_EQ(json.find("ch:8123"), std::string::npos) << json;
  // The table panel has no refresh of its own: the dashboard's 7 s.
  EXPECT_NE(json.find(R"("id":"alerts","title":"Alerts","type":"table","refresh_seconds":7,)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("thresholds":[{"value":0,"color":"green"},{"value":50,"color":"red"}])"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("colors":{"BIG":"orange"})"), std::string::npos) << json;
}

TEST(DashboardDefinitionTest, ErrorsNameFileAndField) {
  EXPECT_EQ(ErrorOf("{").rfind("dash.json: not valid JSON: ", 0), 0u) << ErrorOf("{");
  EXPECT_EQ(ErrorOf("[]"), "dash.json: expected a JSON object at the top");
  EXPECT_EQ(ErrorOf("{}"), "dash.json: panels: expected a non-empty list of panels");
  EXPECT_EQ(ErrorOf(R"({"panels": [], "titel": "x"})"), "dash.json: titel: unknown field");
  EXPECT_EQ(ErrorOf(WithPanel(R"({"id": "a", "title": "A", "type": "pie", "sql": "SELECT 1"})")),
            "dash.json: panels[0].type: expected one of stat, timeseries, bar, table");
  EXPECT_EQ(ErrorOf(WithPanel(R"({"id": "a", "title": "A", "type": "stat"})")),
            "dash.json: panels[0].sql: missing");
  EXPECT_EQ(ErrorOf(WithPanel(R"({"id": "a/b", "title": "A", "type": "stat", "sql": "S"})")),
            "dash.json: panels[0].id: use letters, digits, '_' and '-' only");
  EXPECT_EQ(ErrorOf(WithPanel(R"({"id": "a", "title": 3, "type": "stat", "sql": "S"})")),
            "dash.json: panels[0].title: expected a string");
  EXPECT_EQ(
      ErrorOf(WithPanel(R"({"id": "a", "title": "A", "type": "stat", "sql": "S", "width": 13})")),
      "dash.json: panels[0].width: expected an integer from 1 to 12");
  EXPECT_EQ(ErrorOf(WithPanel(R"({"id": "a", "title": "A", "type": "bar", "sql": "S", "x": "k"})")),
            "dash.json: panels[0].y: missing: a bar panel needs x and y");
  EXPECT_EQ(ErrorOf(WithPanel(R"({"id": "a", "title": "A", "type": "stat", "sql": "S",
                                  "thresholds": [{"value": "high"}]})")),
            "dash.json: panels[0].thresholds: expected a list of {\"value\": number, \"color\": "
            "string}");
  EXPECT_EQ(ErrorOf(WithPanel(R"({"id": "a", "title": "A", "type": "stat", "sql": "S"},
                                 {"id": "a", "title": "B", "type": "stat", "sql": "S"})")),
            "dash.json: panels[1].id: 'a' is used by an earlier panel");
  EXPECT_EQ(ErrorOf(R"({"clickhouse": {"host": "x"}, "panels": []})"),
            "dash.json: clickhouse.host: unknown field");
}

TEST(DashboardDefinitionTest, LoadReadsAFileAndNamesAMissingOne) {
  std::string path = ::testing::TempDir() + "/dashboard_definition_test.json";
  std::ofstream(path) << kDefinition;
  auto d = DashboardDefinition::Load(path);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->panels.size(), 3u);
  auto missing = DashboardDefinition::Load(path + ".missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "cannot read dashboard file '" + path + ".missing'");
}

}  // namespace
}  // namespace sluice::server
