// The dashboard routes over real loopback sockets against a real ClickHouse (18.16 in CI): a
// panel's query runs there and its rows come back as JSON; unknown panels, failing queries,
// the definition without SQL, the page and its assets.

#include "server/dashboard_service.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include "server/http_server.h"
#include "testing/clickhouse_server.h"
#include "testing/clickhouse_test_environment.h"

namespace sluice::server {
namespace {

class DashboardServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ch = testing::ClickHouseServer::Shared();
    ASSERT_TRUE(ch.ok()) << ch.status().message();
    ch_ = *ch;
    for (const char* sql :
         {"CREATE DATABASE IF NOT EXISTS dash_test", "DROP TABLE IF EXISTS dash_test.orders",
          "CREATE TABLE dash_test.orders (symbol String, qty UInt64, "
          "price Float64) ENGINE = MergeTree() ORDER BY symbol",
          "INSERT INTO dash_test.orders VALUES ('005930', 150, 76000), "
          "('005930', 600, 76500), ('035420', 50, 220000)"}) {
      auto r = ch_->Query(sql);
      ASSERT_TRUE(r.ok()) << r.status().message();
    }
    std::string json = R"({"title": "T", "clickhouse": {"url": ")" + ch_->url() +
                       R"(", "database": "dash_test"}, "panels": [
        {"id": "by-symbol", "title": "By symbol", "type": "table",
         "sql": "SELECT symbol, sum(qty) AS qty, max(price) AS top FROM orders GROUP BY symbol ORDER BY symbol;"},
        {"id": "broken", "title": "Broken", "type": "stat", "sql": "SELECT nope FROM orders"}]})";
    auto definition = DashboardDefinition::Parse(json, "dash.json");
    ASSERT_TRUE(definition.ok()) << definition.status().message();
    service_ = std::make_unique<DashboardService>(std::move(*definition));
    HttpServerOptions options;
    options.extra_routes.push_back([this](httplib::Server& s) { service_->Register(s); });
    auto server =
        HttpServer::Start(options, &registry_, [] { return runtime::PipelineSnapshot(); });
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(30);
  }

  testing::ClickHouseServer* ch_ = nullptr;
  MetricsRegistry registry_;
  std::unique_ptr<DashboardService> service_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(DashboardServiceTest, PanelRowsComeFromClickHouse) {
  auto res = client_->Get("/api/panels/by-symbol");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(res->body).get(doc), simdjson::SUCCESS) << res->body;
  std::string_view id;
  ASSERT_EQ(doc["id"].get(id), simdjson::SUCCESS);
  EXPECT_EQ(id, "by-symbol");
  simdjson::dom::array rows;
  ASSERT_EQ(doc["result"]["data"].get(rows), simdjson::SUCCESS) << res->body;
  ASSERT_EQ(rows.size(), 2u);
  // 005930: 150 + 600 shares, top price 76500; 035420: 50 shares at 220000.
  std::string_view symbol;
  uint64_t qty = 0;
  double top = 0;
  ASSERT_EQ(rows.at(0)["symbol"].get(symbol), simdjson::SUCCESS);
  EXPECT_EQ(symbol, "005930");
  ASSERT_EQ(rows.at(0)["qty"].get(qty), simdjson::SUCCESS) << res->body;  // a number, not "750"
  EXPECT_EQ(qty, 750u);
  ASSERT_EQ(rows.at(0)["top"].get(top), simdjson::SUCCESS);
  EXPECT_EQ(top, 76500);
  ASSERT_EQ(rows.at(1)["symbol"].get(symbol), simdjson::SUCCESS);
  EXPECT_EQ(symbol, "035420");
  ASSERT_EQ(rows.at(1)["qty"].get(qty), simdjson::SUCCESS);
  EXPECT_EQ(qty, 50u);
}

TEST_F(DashboardServiceTest, UnknownPanelIs404AndFailingQueryIs502) {
  auto missing = client_->Get("/api/panels/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, R"({"error":"no panel 'nope'"})");
  auto broken = client_->Get("/api/panels/broken");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 502);
  EXPECT_NE(broken->body.find("nope"), std::string::npos) << broken->body;  // ClickHouse's message
  // Query parameters are not SQL: the panel's own query runs.
  auto injected = client_->Get("/api/panels/by-symbol?sql=DROP%20TABLE%20orders");
  ASSERT_TRUE(injected);
  EXPECT_EQ(injected->status, 200);
  auto count = ch_->Query("SELECT count() FROM dash_test.orders");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, "3\n");
}

TEST_F(DashboardServiceTest, DefinitionPageAndAssets) {
  auto def = client_->Get("/api/dashboard");
  ASSERT_TRUE(def);
  EXPECT_EQ(def->status, 200);
  EXPECT_EQ(def->body.find("SELECT"), std::string::npos) << def->body;
  EXPECT_EQ(def->body.find(ch_->url()), std::string::npos) << def->body;
  EXPECT_NE(def->body.find(R"("id":"by-symbol")"), std::string::npos) << def->body;
  auto page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("/assets/dashboard.js"), std::string::npos);
  for (const char* asset : {"/assets/dashboard.js", "/assets/dashboard.css"}) {
    auto res = client_->Get(asset);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << asset;
    EXPECT_GT(res->body.size(), 500u) << asset;
  }
  auto js = client_->Get("/assets/dashboard.js");
  EXPECT_EQ(js->get_header_value("Content-Type"), "application/javascript; charset=utf-8");
  auto none = client_->Get("/assets/none.js");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
}

}  // namespace
}  // namespace sluice::server
