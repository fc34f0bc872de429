// `sluice grafana export` on every examples/*/dashboard.json: the three provisioning files are
// written (the dashboard named after the example's folder), the example's clickhouse.sql is
// applied to a real ClickHouse with `sluice clickhouse apply`, Grafana's time macros in every
// exported rawSql are expanded as the grafana-clickhouse-datasource plugin expands them, and every
// panel query runs without error in the definition's database.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cli/tests/subprocess.h"
#include "connectors/clickhouse/clickhouse_http_client.h"
#include "server/dashboard_definition.h"
#include "testing/clickhouse_server.h"
#include "testing/clickhouse_test_environment.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

namespace fs = std::filesystem;
using ::sluice::testing::TempDir;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

// Expands the plugin's time macros for the range [from, to] (Unix seconds) and an interval of
// `interval_s` seconds, as the plugin does for DateTime columns.
std::string ExpandMacros(std::string sql, int64_t from, int64_t to, int64_t interval_s) {
  const std::string f = "toDateTime(" + std::to_string(from) + ")";
  const std::string t = "toDateTime(" + std::to_string(to) + ")";
  const std::string fd = "toDate(" + f + ")";
  const std::string td = "toDate(" + t + ")";
  auto column = [](const char* macro) {
    return std::regex(std::string(macro) + R"(\(([^()]+)\))");
  };
  sql = std::regex_replace(sql, column(R"(\$__timeFilter)"), "$1 >= " + f + " AND $1 <= " + t);
  sql = std::regex_replace(sql, column(R"(\$__dateFilter)"), "$1 >= " + fd + " AND $1 <= " + td);
  sql = std::regex_replace(
      sql, column(R"(\$__timeInterval)"),
      "toStartOfInterval(toDateTime($1), INTERVAL " + std::to_string(interval_s) + " second)");
  sql = std::regex_replace(sql, std::regex(R"(\$__fromTime)"), f);
  sql = std::regex_replace(sql, std::regex(R"(\$__toTime)"), t);
  sql = std::regex_replace(sql, std::regex(R"(\$__interval_s)"), std::to_string(interval_s));
  return sql;
}

std::vector<fs::path> ExampleDashboards() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(fs::path(SLUICE_SOURCE_DIR) / "examples")) {
    fs::path dashboard = entry.path() / "dashboard.json";
    if (fs::exists(dashboard)) out.push_back(dashboard);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class GrafanaExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = sluice::testing::ClickHouseServer::Shared();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
  }

  SubprocessOutput Sluice(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {kSluice};
    argv.insert(argv.end(), args.begin(), args.end());
    auto run = Subprocess::Run(argv, {}, seconds(120));
    EXPECT_TRUE(run.ok()) << run.status().message();
    return run.ok() ? *run : SubprocessOutput{};
  }

  // Exports `dashboard` into the temporary directory and applies its example's clickhouse.sql to
  // a fresh database; returns the exported dashboard model's path.
  std::string ExportAndApply(const fs::path& dashboard);
  // Runs an exported panel's query over its window (timeFrom, else 6 h) ending at `now`, its
  // macros expanded; returns the rows as TabSeparated.
  Result<std::string> RunPanel(simdjson::dom::element panel, int64_t now);
  // Exports `dashboard`, applies its example's DDL and runs every exported panel query.
  void CheckExample(const fs::path& dashboard);

  sluice::testing::ClickHouseServer* server_ = nullptr;
  TempDir dir_;
  std::string database_;
  size_t panels_ = 0;
};

// Seconds of a Grafana relative window ("30m", "1h"); 6 h for none.
int64_t WindowSeconds(std::string_view window) {
  if (window.empty()) return 6 * 3600;
  int64_t n = std::stoll(std::string(window.substr(0, window.size() - 1)));
  switch (window.back()) {
    case 'm':
      return n * 60;
    case 'h':
      return n * 3600;
    case 'd':
      return n * 86400;
    case 'w':
      return n * 604800;
    default:
      return n;
  }
}

std::string GrafanaExportTest::ExportAndApply(const fs::path& dashboard) {
  const std::string name = dashboard.parent_path().filename().string();
  auto definition = server::DashboardDefinition::Load(dashboard.string());
  EXPECT_TRUE(definition.ok()) << definition.status().message();
  if (!definition.ok()) return "";
  const std::string out = dir_.File("grafana-" + name);
  SubprocessOutput exported = Sluice({"grafana", "export", dashboard.string(), "--out", out});
  EXPECT_EQ(exported.exit_code, 0) << exported.stderr_text;
  EXPECT_TRUE(fs::exists(out + "/provisioning/datasources/clickhouse.yaml"));
  EXPECT_TRUE(fs::exists(out + "/provisioning/dashboards/sluice.yaml"));
  const std::string model_file = out + "/dashboards/" + name + ".json";
  EXPECT_TRUE(fs::exists(model_file)) << exported.stdout_text;

  database_ = definition->clickhouse.database;
  panels_ = definition->panels.size();
  EXPECT_TRUE(server_->Query("DROP DATABASE IF EXISTS " + database_).ok());
  fs::path ddl = dashboard.parent_path() / "clickhouse.sql";
  EXPECT_TRUE(fs::exists(ddl)) << "every example with a dashboard has its ClickHouse DDL";
  SubprocessOutput applied = Sluice({"clickhouse", "apply", ddl.string(), "--url", server_->url()});
  EXPECT_EQ(applied.exit_code, 0) << applied.stdout_text << applied.stderr_text;
  return model_file;
}

Result<std::string> GrafanaExportTest::RunPanel(simdjson::dom::element panel, int64_t now) {
  std::string raw(panel["targets"].at(0)["rawSql"].get_string().value());
  std::string_view window;
  if (panel["timeFrom"].get(window) != simdjson::SUCCESS) window = "";
  std::string sql = ExpandMacros(raw, now - WindowSeconds(window), now, 60);
  if (sql.find("$__") != std::string::npos) return Status::Internal("a macro left: " + sql);
  connectors::ClickHouseHttpClient client(server_->url(), "", "", 30000);
  auto result = client.Query(sql + "\nFORMAT TabSeparated", {{"database", database_}});
  if (!result.ok()) return Status::Internal(sql + "\n" + result.status().message());
  return result;
}

void GrafanaExportTest::CheckExample(const fs::path& dashboard) {
  SCOPED_TRACE(dashboard.string());
  std::string model_file = ExportAndApply(dashboard);
  ASSERT_FALSE(::testing::Test::HasFailure());
  simdjson::dom::parser parser;
  simdjson::dom::element model;
  ASSERT_EQ(parser.load(model_file).get(model), simdjson::SUCCESS);
  simdjson::dom::array panels = model["panels"].get_array().value();
  ASSERT_EQ(panels.size(), panels_);
  const int64_t now = std::time(nullptr);
  for (simdjson::dom::element panel : panels) {
    auto result = RunPanel(panel, now);
    EXPECT_TRUE(result.ok()) << panel["title"].get_string().value() << ": "
                             << result.status().message();
  }
}

TEST_F(GrafanaExportTest, MacroExpansionMatchesThePluginsForDateTimeColumns) {
  EXPECT_EQ(
      ExpandMacros("SELECT 1 FROM t WHERE $__timeFilter(ts) AND x > $__interval_s", 100, 200, 60),
      "SELECT 1 FROM t WHERE ts >= toDateTime(100) AND ts <= toDateTime(200) AND x > 60");
  EXPECT_EQ(ExpandMacros("SELECT $__timeInterval(ts) FROM t WHERE ts BETWEEN $__fromTime AND "
                         "$__toTime",
                         100, 200, 30),
            "SELECT toStartOfInterval(toDateTime(ts), INTERVAL 30 second) FROM t WHERE ts BETWEEN "
            "toDateTime(100) AND toDateTime(200)");
}

TEST_F(GrafanaExportTest, EveryExampleDashboardsPanelQueriesRunOnClickHouse) {
  std::vector<fs::path> dashboards = ExampleDashboards();
  bool orders_cdc = false;
  for (const auto& d : dashboards) orders_cdc |= d.parent_path().filename() == "orders-cdc";
  ASSERT_TRUE(orders_cdc) << "examples/orders-cdc/dashboard.json is missing";
  for (const auto& dashboard : dashboards) CheckExample(dashboard);
}

// The stat "Active Alerts (1 h)" counts the alerts detected within its window: an alert 30 min
// old counts, one 5 h old does not, so the panel shows 1 (worked out from the rows inserted).
TEST_F(GrafanaExportTest, TimeFilterKeepsThePanelsWindow) {
  std::string model_file =
      ExportAndApply(fs::path(SLUICE_SOURCE_DIR) / "examples/orders-cdc/dashboard.json");
  ASSERT_FALSE(HasFailure());
  const int64_t now = std::time(nullptr);
  auto inserted = server_->Query(
      "INSERT INTO cdc_pipeline.anomaly_alerts (alert_type, symbol, order_id, message, value, "
      "threshold, detected_at) VALUES ('LARGE_ORDER', '005930', 1, 'recent', 600, 500, "
      "toDateTime(" +
      std::to_string(now - 1800) +
      ")), ('LARGE_ORDER', '005930', 2, 'old', 700, "
      "500, toDateTime(" +
      std::to_string(now - 5 * 3600) + "))");
  ASSERT_TRUE(inserted.ok()) << inserted.status().message();
  simdjson::dom::parser parser;
  simdjson::dom::element model;
  ASSERT_EQ(parser.load(model_file).get(model), simdjson::SUCCESS);
  simdjson::dom::array panels = model["panels"].get_array().value();
  bool found = false;
  for (simdjson::dom::element panel : panels) {
    if (panel["title"].get_string().value() != "Active Alerts (1 h)") continue;
    found = true;
    EXPECT_EQ(std::string(panel["timeFrom"].get_string().value()), "1h");
    auto result = RunPanel(panel, now);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(*result, "1\n");
  }
  EXPECT_TRUE(found);
}

TEST_F(GrafanaExportTest, BadDefinitionExitsTwoAndWritesNothing) {
  std::string file = dir_.Write("bad.json", R"({"panels": [{"id": "a", "type": "pie"}]})");
  SubprocessOutput out = Sluice({"grafana", "export", file, "--out", dir_.File("out")});
  EXPECT_EQ(out.exit_code, 2) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("panels[0]"), std::string::npos) << out.stderr_text;
  EXPECT_FALSE(fs::exists(dir_.File("out")));
}

}  // namespace
}  // namespace sluice::cli::testing
