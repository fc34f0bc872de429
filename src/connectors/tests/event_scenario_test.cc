#include "connectors/datagen/event_scenario.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "common/civil_time.h"
#include "connectors/datagen/ad_events_scenario.h"
#include "connectors/datagen/datagen_source.h"
#include "connectors/datagen/impressions_clicks_scenario.h"
#include "connectors/datagen/page_views_scenario.h"
#include "types/value.h"

namespace sluice::connectors {
namespace {

constexpr int64_t kStart = 1'704'067'200'000;  // 2024-01-01T00:00:00Z
constexpr int kEvents = 100'000;
constexpr int64_t kSpacingMs = 10;

std::vector<std::string> Json(std::string_view name, uint64_t seed, int n) {
  auto scenario = EventScenario::Create(name, seed);
  EXPECT_TRUE(scenario.ok()) << scenario.status().ToString();
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    (*scenario)->Next(kStart + i * kSpacingMs);
    out.push_back((*scenario)->ToJson());
  }
  return out;
}

TEST(EventScenarioTest, SameSeedSameEventsOtherSeedOtherEvents) {
  for (std::string_view name : EventScenario::Names()) {
    auto a = Json(name, 42, 1000);
    auto b = Json(name, 42, 1000);
    auto c = Json(name, 7, 1000);
    EXPECT_EQ(a, b) << name;
    int differing = 0;
    for (size_t i = 0; i < a.size(); ++i) differing += a[i] != c[i];
    EXPECT_GT(differing, 900) << name;
  }
}

TEST(EventScenarioTest, UnknownScenarioListsTheKnownOnes) {
  auto s = EventScenario::Create("clicks", 1);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("impressions-clicks"), std::string::npos);
  EXPECT_NE(s.status().message().find("ad-events"), std::string::npos);
}

TEST(EventScenarioTest, ImpressionsClicksHoldTheProductCtrsAndBoundedDisorder) {
  ImpressionsClicksScenario scenario(42);
  std::map<int64_t, std::string_view> impression_product;
  std::map<std::string_view, int> impressions, clicks;
  std::set<int64_t> clicked;
  for (int i = 0; i < kEvents; ++i) {
    const int64_t nominal = kStart + i * kSpacingMs;
    scenario.Next(nominal);
    const ClickStreamEvent& e = scenario.event();
    EXPECT_EQ(e.event_id, i + 1);
    EXPECT_LE(e.ts_ms, nominal);
    EXPECT_GE(e.ts_ms, nominal - ImpressionsClicksScenario::kMaxDisorderMs);
    if (e.event_type == "impression") {
      EXPECT_EQ(e.impression_id, e.event_id);
      impression_product[e.impression_id] = e.product_id;
      ++impressions[e.product_id];
    } else {
      ASSERT_EQ(e.event_type, "click");
      // A click follows its impression, 1-20 events later, once, with the same product.
      ASSERT_TRUE(impression_product.count(e.impression_id)) << e.impression_id;
      EXPECT_EQ(impression_product[e.impression_id], e.product_id);
      EXPECT_TRUE(clicked.insert(e.impression_id).second);
      EXPECT_GT(e.event_id, e.impression_id);
      ++clicks[e.product_id];
    }
  }
  ASSERT_EQ(impressions.size(), 10u);
  for (int p = 0; p < ImpressionsClicksScenario::kProducts; ++p) {
    std::string_view id = ImpressionsClicksScenario::ProductId(p);
    // ~9,000 impressions per product: the standard error of a 20 % rate is 0.0042.
    double ctr = static_cast<double>(clicks[id]) / impressions[id];
    EXPECT_NEAR(ctr, ImpressionsClicksScenario::ProductCtr(p), 0.015) << id;
    EXPECT_GT(impressions[id], 8000) << id;
    EXPECT_LT(impressions[id], 10000) << id;
  }
  EXPECT_EQ(ImpressionsClicksScenario::ProductId(0), "P01");
  EXPECT_DOUBLE_EQ(ImpressionsClicksScenario::ProductCtr(9), 0.2);
}

TEST(EventScenarioTest, AdEventsHoldTheFormatCtrsAndCountryWeights) {
  AdEventsScenario scenario(42);
  std::map<std::string_view, int> impressions, clicks;
  std::map<std::string_view, double> country_revenue;
  std::map<std::string_view, int> country_clicks;
  std::set<std::string_view> devices;
  for (int i = 0; i < kEvents; ++i) {
    const int64_t nominal = kStart + i * kSpacingMs;
    scenario.Next(nominal);
    const AdEvent& e = scenario.event();
    EXPECT_LE(e.ts_ms, nominal);
    EXPECT_GE(e.ts_ms, nominal - AdEventsScenario::kMaxDisorderMs);
    EXPECT_GT(AdEventsScenario::CountryWeight(e.country), 0) << e.country;
    devices.insert(e.device);
    if (e.event_type == "impression") {
      EXPECT_EQ(e.revenue, 0);
      ++impressions[e.ad_format];
    } else {
      ASSERT_EQ(e.event_type, "click");
      double weight = AdEventsScenario::CountryWeight(e.country);
      EXPECT_GE(e.revenue, 0.02 * weight - 1e-6);
      EXPECT_LE(e.revenue, 0.10 * weight + 1e-6);
      ++clicks[e.ad_format];
      country_revenue[e.country] += e.revenue;
      ++country_clicks[e.country];
    }
  }
  EXPECT_EQ(devices.size(), 3u);
  // Configured: banner 5 %, interstitial 12 %, rewarded_video 25 % (~29,000 impressions each).
  EXPECT_NEAR(static_cast<double>(clicks["banner"]) / impressions["banner"], 0.05, 0.01);
  EXPECT_NEAR(static_cast<double>(clicks["interstitial"]) / impressions["interstitial"], 0.12,
              0.01);
  EXPECT_NEAR(static_cast<double>(clicks["rewarded_video"]) / impressions["rewarded_video"], 0.25,
              0.01);
  // Mean click revenue per country / weight is the mean of U(0.02, 0.10) = 0.06.
  ASSERT_EQ(country_clicks.size(), 7u);
  for (std::string_view c : AdEventsScenario::Countries()) {
    double mean = country_revenue[c] / country_clicks[c];
    EXPECT_NEAR(mean / AdEventsScenario::CountryWeight(c), 0.06, 0.003) << c;
  }
}

TEST(EventScenarioTest, JsonCarriesTheEventAsTheTablesReadIt) {
  AdEventsScenario ads(3);
  do {
    ads.Next(kStart);
  } while (ads.event().event_type != "click");
  const AdEvent& e = ads.event();
  EXPECT_EQ(ads.ToJson(), fmt::format(R"({{"event_id":"evt-{}","ts_ms":{},"user_id":"user_{}",)"
                                      R"("campaign_id":"camp_{}","ad_format":"{}","country":"{}",)"
                                      R"("device":"{}","event_type":"click","revenue":{:.6f}}})",
                                      e.number, e.ts_ms, e.user, e.campaign, e.ad_format, e.country,
                                      e.device, e.revenue));
  ImpressionsClicksScenario clicks(3);
  clicks.Next(kStart);
  EXPECT_EQ(
      clicks.ToJson().rfind(R"({"event_type":"impression","event_id":1,"impression_id":1,)", 0), 0u)
      << clicks.ToJson();
}

TEST(EventScenarioTest, PageViewsFollowTheSiteMapAndWriteLocalTimeWithItsOffset) {
  PageViewsScenario scenario(7);
  std::map<std::string, int> pages;
  std::map<std::string, std::map<std::string_view, int>> methods;
  int product_views = 0;
  int hot_product_views = 0;
  for (int i = 0; i < kEvents; ++i) {
    const int64_t nominal = kStart + i * kSpacingMs;
    scenario.Next(nominal);
    const PageView& e = scenario.event();
    EXPECT_LE(e.ts_ms, nominal);
    EXPECT_GE(e.ts_ms, nominal - PageViewsScenario::kMaxDisorderMs);
    std::string page = e.link;
    if (page.rfind("/products/", 0) == 0) {
      int id = std::stoi(page.substr(10));
      EXPECT_GE(id, 1);
      EXPECT_LE(id, 200);
      ++product_views;
      if (id <= 10) ++hot_product_views;
      page = "/products/";
    } else if (page.rfind("/api/cart/", 0) == 0) {
      page = "/api/cart/";
    }
    ++pages[page];
    ++methods[page][e.method];
  }
  // Every page of the site map appears with its weight (within 1 % of all events).
  ASSERT_EQ(pages.size(), PageViewsScenario::Pages().size());
  for (const auto& p : PageViewsScenario::Pages()) {
    std::string path(p.path);
    EXPECT_NEAR(static_cast<double>(pages[path]) / kEvents, p.weight, 0.01) << path;
    if (path == "/api/cart/") {
      EXPECT_EQ(methods[path].count("GET"), 0u);
      EXPECT_NEAR(static_cast<double>(methods[path]["PUT"]) / pages[path], 0.7, 0.05);
    } else {
      EXPECT_NEAR(static_cast<double>(methods[path]["POST"]) / pages[path], p.post_share, 0.05)
          << path;
      EXPECT_EQ(methods[path]["GET"] + methods[path]["POST"], pages[path]) << path;
    }
  }
  // Half of the product views go to the ten hot products, the rest spread over all 200
  // (5 % of which land on the hot ten again): 0.5 + 0.5 * 10 / 200 = 0.525.
  EXPECT_NEAR(static_cast<double>(hot_product_views) / product_views, 0.525, 0.02);

  // The middleware's JSON: local time at +09:00, which parses back to the event time.
  simdjson::dom::parser parser;
  simdjson::dom::element json = parser.parse(scenario.ToJson());
  std::string_view footprint = json["footprint_time"].get_string().value();
  EXPECT_EQ(footprint.substr(footprint.size() - 6), "+09:00") << footprint;
  EXPECT_EQ(footprint[10], 'T') << footprint;
  EXPECT_EQ(ParseTimestamp(footprint), scenario.event().ts_ms) << footprint;
  EXPECT_EQ(json["link"].get_string().value(), scenario.event().link);
  EXPECT_EQ(json["method"].get_string().value(), scenario.event().method);
}

TEST(EventScenarioTest, DatagenFillsColumnsByNameFromAScenario) {
  Schema table(std::vector<Field>{{"product_id", LogicalType::String()},
                                  {"event_type", LogicalType::String()},
                                  {"ts", LogicalType::Timestamp(3)}});
  std::map<std::string, std::string> options = {
      {"connector", "datagen"}, {"scenario", "impressions-clicks"},
      {"rows-per-second", "0"}, {"number-of-rows", "50"},
      {"seed", "42"},           {"start-time", "2024-01-01T00:00:00Z"}};
  auto source = DatagenSource::Create(options, std::make_shared<Schema>(table), table);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  ASSERT_TRUE((*source)->Open().ok());
  auto batch = (*source)->Poll(100);
  ASSERT_TRUE(batch.ok() && batch->has_value());
  ASSERT_EQ((*batch)->batch->num_rows, 50u);
  // Row i has nominal time start + i ms (unpaced): the same events as the scenario's own.
  ImpressionsClicksScenario expected(42);
  for (size_t r = 0; r < 50; ++r) {
    expected.Next(kStart + static_cast<int64_t>(r));
    EXPECT_EQ(Value::FromColumn((*batch)->batch->column(0), r).ToString(),
              expected.event().product_id);
    EXPECT_EQ(Value::FromColumn((*batch)->batch->column(1), r).ToString(),
              expected.event().event_type);
    EXPECT_EQ((*batch)->batch->column(2).ints()[r], expected.event().ts_ms);
  }
  Schema bad(std::vector<Field>{{"revenue", LogicalType::String()}});
  options["scenario"] = "ad-events";
  auto wrong = DatagenSource::Create(options, std::make_shared<Schema>(bad), bad);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("'revenue' cannot be STRING"), std::string::npos)
      << wrong.status().message();
}

}  // namespace
}  // namespace sluice::connectors
