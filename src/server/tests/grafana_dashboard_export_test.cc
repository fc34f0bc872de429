// Grafana export of a dashboard definition: the bare provisioning model (never the API wrapper),
// the pinned datasource uid on every panel and target, panel types, layout, thresholds and
// colours, the time filter rule, and the two provisioning YAML files.

#include "server/grafana_dashboard_export.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

namespace sluice::server {
namespace {

namespace dom = simdjson::dom;

const char* kDefinition = R"({
  "title": "Shop", "refresh_seconds": 5,
  "clickhouse": {"url": "http://ch.internal:8124", "database": "shop", "username": "viewer",
                 "password": "secret-pw"},
  "panels": [
    {"id": "total", "title": "Total", "type": "stat", "width": 3, "unit": "ms", "decimals": 1,
     "sql": "SELECT count() AS n FROM orders WHERE ts >= now() - INTERVAL 30 MINUTE",
     "thresholds": [{"value": 50, "color": "red"}, {"value": 0, "color": "green"}]},
    {"id": "vol", "title": "Volume", "type": "timeseries", "style": "bars", "width": 12,
     "x": "window_start", "y": "amount", "series": "symbol",
     "sql": "SELECT window_start, symbol, amount FROM agg WHERE window_start >= now() - INTERVAL 2 HOUR ORDER BY window_start"},
    {"id": "sides", "title": "Sides", "type": "bar", "width": 5, "x": "symbol",
     "y": ["buy", "sell"], "sql": "SELECT symbol, 1 AS buy, 2 AS sell FROM orders GROUP BY symbol"},
    {"id": "alerts", "title": "Alerts", "type": "table", "width": 7, "color_by": "kind",
     "colors": {"BIG": "orange", "SPIKE": "purple"}, "sql": "SELECT kind FROM alerts"}
  ]})";

class GrafanaDashboardExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = DashboardDefinition::Parse(kDefinition, "shop.json");
    ASSERT_TRUE(d.ok()) << d.status().message();
    definition_ = *d;
    json_ = GrafanaDashboardExport::DashboardJson(definition_, "shop");
    ASSERT_EQ(parser_.parse(json_).get(root_), simdjson::SUCCESS) << json_;
  }

  dom::element Panel(size_t i) { return root_["panels"].at(i).value(); }
  std::string Str(dom::element e) { return std::string(e.get_string().value()); }

  DashboardDefinition definition_;
  std::string json_;
  dom::parser parser_;
  dom::element root_;
};

TEST_F(GrafanaDashboardExportTest, IsTheBareProvisioningModelNotTheApiWrapper) {
  dom::object top = root_.get_object().value();
  std::vector<std::string> keys;
  for (auto field : top) keys.emplace_back(field.key);
  EXPECT_EQ(std::count(keys.begin(), keys.end(), "dashboard"), 0) << json_;
  EXPECT_EQ(std::count(keys.begin(), keys.end(), "overwrite"), 0) << json_;
  EXPECT_EQ(std::count(keys.begin(), keys.end(), "id"), 0) << "provisioning assigns the id";
  EXPECT_EQ(Str(root_["uid"]), "sluice-shop");
  EXPECT_EQ(Str(root_["title"]), "Shop");
  EXPECT_GE(root_["schemaVersion"].get_int64().value(), 30);
  EXPECT_EQ(Str(root_["refresh"]), "5s");
  // The widest panel window (2 HOUR) is the dashboard's default range.
  EXPECT_EQ(Str(root_["time"]["from"]), "now-2h");
  EXPECT_EQ(Str(root_["time"]["to"]), "now");
  EXPECT_EQ(root_["panels"].get_array().value().size(), 4u);
}

TEST_F(GrafanaDashboardExportTest, EveryPanelAndTargetNamesThePinnedDatasource) {
  dom::array panels = root_["panels"].get_array().value();
  for (dom::element panel : panels) {
    EXPECT_EQ(Str(panel["datasource"]["uid"]), "sluice-clickhouse");
    EXPECT_EQ(Str(panel["datasource"]["type"]), "grafana-clickhouse-datasource");
    dom::array targets = panel["targets"].get_array().value();
    ASSERT_EQ(targets.size(), 1u);
    dom::element target = targets.at(0).value();
    EXPECT_EQ(Str(target["datasource"]["uid"]), "sluice-clickhouse");
    EXPECT_EQ(Str(target["datasource"]["type"]), "grafana-clickhouse-datasource");
    EXPECT_EQ(Str(target["refId"]), "A");
    EXPECT_FALSE(Str(target["rawSql"]).empty());
  }
}

TEST_F(GrafanaDashboardExportTest, MapsTypesAndLaysPanelsOnA24ColumnGrid) {
  EXPECT_EQ(Str(Panel(0)["type"]), "stat");
  EXPECT_EQ(Str(Panel(1)["type"]), "timeseries");
  EXPECT_EQ(Str(Panel(2)["type"]), "barchart");
  EXPECT_EQ(Str(Panel(3)["type"]), "table");
  // Widths double (12 -> 24 columns). 3 -> 6 at (0,0); 12 -> 24 does not fit beside it and starts
  // a row under the stat (height 4); 5 -> 10 and 7 -> 14 share the next row (after height 9).
  auto grid = [&](size_t i) {
    dom::element g = Panel(i)["gridPos"].value();
    return std::vector<int64_t>{g["x"].get_int64().value(), g["y"].get_int64().value(),
                                g["w"].get_int64().value(), g["h"].get_int64().value()};
  };
  EXPECT_EQ(grid(0), (std::vector<int64_t>{0, 0, 6, 4}));
  EXPECT_EQ(grid(1), (std::vector<int64_t>{0, 4, 24, 9}));
  EXPECT_EQ(grid(2), (std::vector<int64_t>{0, 13, 10, 9}));
  EXPECT_EQ(grid(3), (std::vector<int64_t>{10, 13, 14, 9}));
  EXPECT_EQ(Str(Panel(2)["options"]["xField"]), "symbol");
  EXPECT_EQ(Str(Panel(1)["fieldConfig"]["defaults"]["custom"]["drawStyle"]), "bars");
  // Time series come as Grafana time series (format 0), the others as tables (format 1).
  EXPECT_EQ(Panel(1)["targets"].at(0)["format"].get_int64().value(), 0);
  EXPECT_EQ(Panel(3)["targets"].at(0)["format"].get_int64().value(), 1);
}

TEST_F(GrafanaDashboardExportTest, ThresholdsBecomeStepsAboveTheTextColour) {
  dom::element defaults = Panel(0)["fieldConfig"]["defaults"].value();
  dom::array steps = defaults["thresholds"]["steps"].get_array().value();
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(Str(steps.at(0)["color"]), "text");
  EXPECT_TRUE(steps.at(0)["value"].is_null());
  EXPECT_EQ(Str(steps.at(1)["color"]), "green");
  EXPECT_EQ(steps.at(1)["value"].get_double().value(), 0.0);
  EXPECT_EQ(Str(steps.at(2)["color"]), "red");
  EXPECT_EQ(steps.at(2)["value"].get_double().value(), 50.0);
  EXPECT_EQ(Str(defaults["unit"]), "ms");
  EXPECT_EQ(defaults["decimals"].get_int64().value(), 1);
}

TEST_F(GrafanaDashboardExportTest, TableColoursBecomeValueMappingsOnTheColourColumn) {
  dom::element field_config = Panel(3)["fieldConfig"].value();
  dom::element options = field_config["defaults"]["mappings"].at(0)["options"].value();
  EXPECT_EQ(Str(options["BIG"]["color"]), "orange");
  EXPECT_EQ(Str(options["SPIKE"]["color"]), "purple");
  dom::element override0 = field_config["overrides"].at(0).value();
  EXPECT_EQ(Str(override0["matcher"]["options"]), "kind");
}

TEST_F(GrafanaDashboardExportTest, RelativeTimeConditionsUseTheTimeFilterMacro) {
  EXPECT_EQ(Str(Panel(0)["targets"].at(0)["rawSql"]),
            "SELECT count() AS n FROM orders WHERE $__timeFilter(ts)");
  EXPECT_EQ(Str(Panel(0)["timeFrom"]), "30m");
  EXPECT_EQ(Str(Panel(1)["targets"].at(0)["rawSql"]),
            "SELECT window_start, symbol, amount FROM agg WHERE $__timeFilter(window_start) "
            "ORDER BY window_start");
  EXPECT_EQ(Str(Panel(1)["timeFrom"]), "2h");
  EXPECT_EQ(Panel(3)["timeFrom"].error(), simdjson::NO_SUCH_FIELD);
}

TEST_F(GrafanaDashboardExportTest, RewritesOnlyWhereAndAndConditionsOnAColumn) {
  std::string window;
  EXPECT_EQ(GrafanaDashboardExport::RewriteTimeFilters(
                "select a from t where x = 1 and t.ts >= NOW() - interval '15' minute", &window),
            "select a from t where x = 1 and $__timeFilter(t.ts)");
  EXPECT_EQ(window, "15m");

  window.clear();
  EXPECT_EQ(GrafanaDashboardExport::RewriteTimeFilters(
                "SELECT 1 FROM a WHERE t >= now() - INTERVAL 30 MINUTE AND u >= now() - INTERVAL "
                "2 HOURS",
                &window),
            "SELECT 1 FROM a WHERE $__timeFilter(t) AND $__timeFilter(u)");
  EXPECT_EQ(window, "2h");  // the larger of 30 minutes and 2 hours

  window.clear();
  const std::string kept =
      "SELECT if(max(t) >= now() - INTERVAL 10 MINUTE, 'LIVE', 'STALE') AS s FROM a";
  EXPECT_EQ(GrafanaDashboardExport::RewriteTimeFilters(kept, &window), kept);
  EXPECT_EQ(window, "");
  EXPECT_EQ(GrafanaDashboardExport::RewriteTimeFilters("SELECT 1 WHERE t >= now()", &window),
            "SELECT 1 WHERE t >= now()");
  EXPECT_EQ(window, "");
}

TEST_F(GrafanaDashboardExportTest, DatasourceHasThePinnedUidAndNeverThePassword) {
  DashboardClickHouse ch;
  ch.database = "shop";
  ch.username = "viewer";
  ch.password = "secret-pw";
  auto yaml = GrafanaDashboardExport::DatasourceYaml(ch, "https://ch.example:9443/proxy");
  ASSERT_TRUE(yaml.ok()) << yaml.status().message();
  EXPECT_NE(yaml->find("    type: grafana-clickhouse-datasource\n"), std::string::npos) << *yaml;
  EXPECT_NE(yaml->find("    uid: sluice-clickhouse\n"), std::string::npos) << *yaml;
  EXPECT_NE(yaml->find("      host: \"ch.example\"\n"), std::string::npos) << *yaml;
  EXPECT_NE(yaml->find("      port: 9443\n"), std::string::npos) << *yaml;
  EXPECT_NE(yaml->find("      secure: true\n"), std::string::npos) << *yaml;
  EXPECT_NE(yaml->find("      path: \"proxy\"\n"), std::string::npos) << *yaml;
  EXPECT_NE(yaml->find("      username: \"viewer\"\n"), std::string::npos) << *yaml;
  EXPECT_NE(yaml->find("      defaultDatabase: \"shop\"\n"), std::string::npos) << *yaml;
  EXPECT_NE(yaml->find("password: \"${CLICKHOUSE_PASSWORD}\""), std::string::npos) << *yaml;
  EXPECT_EQ(yaml->find("secret-pw"), std::string::npos) << *yaml;

  auto plain = GrafanaDashboardExport::DatasourceYaml(ch, "http://clickhouse");
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(plain->find("      port: 8123\n"), std::string::npos) << *plain;
  EXPECT_NE(plain->find("      secure: false\n"), std::string::npos) << *plain;

  EXPECT_FALSE(GrafanaDashboardExport::DatasourceYaml(ch, "clickhouse:8123").ok());
}

TEST_F(GrafanaDashboardExportTest, ExportWritesTheThreeFilesAndRefusesABadName) {
  auto d = DashboardDefinition::Parse(kDefinition, "shop.json");
  ASSERT_TRUE(d.ok());
  GrafanaExportOptions options;
  options.name = "shop";
  options.clickhouse_url = "http://clickhouse:8123";
  options.dashboards_path = "/dash";
  auto files = GrafanaDashboardExport::Export(*d, options);
  ASSERT_TRUE(files.ok()) << files.status().message();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].path, "provisioning/datasources/clickhouse.yaml");
  EXPECT_NE((*files)[0].content.find("host: \"clickhouse\""), std::string::npos);
  EXPECT_EQ((*files)[1].path, "provisioning/dashboards/sluice.yaml");
  EXPECT_NE((*files)[1].content.find("    type: file\n"), std::string::npos);
  EXPECT_NE((*files)[1].content.find("      path: \"/dash\"\n"), std::string::npos);
  EXPECT_EQ((*files)[2].path, "dashboards/shop.json");

  options.name = "../etc";
  EXPECT_FALSE(GrafanaDashboardExport::Export(*d, options).ok());
  options.name = std::string(34, 'a');  // uid "sluice-" + 34 would pass Grafana's 40
  EXPECT_FALSE(GrafanaDashboardExport::Export(*d, options).ok());
}

}  // namespace
}  // namespace sluice::server
