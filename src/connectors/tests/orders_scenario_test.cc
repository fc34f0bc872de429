#include "connectors/datagen/orders_scenario.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "connectors/datagen/datagen_source.h"
#include "types/value.h"

namespace sluice::connectors {
namespace {

constexpr int64_t kStart = 1'704'067'200'000;  // 2024-01-01T00:00:00Z
constexpr int kEvents = 20'000;

std::vector<OrderEvent> Generate(uint64_t seed, int n) {
  OrdersScenario scenario(seed);
  std::vector<OrderEvent> out;
  for (int i = 0; i < n; ++i) out.push_back(scenario.Next(kStart + i * 20));
  return out;
}

TEST(OrdersScenarioTest, SameSeedSameEventsOtherSeedOtherEvents) {
  auto a = Generate(42, 500);
  auto b = Generate(42, 500);
  auto c = Generate(7, 500);
  int differing = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(OrdersScenario::ToJson(a[i]), OrdersScenario::ToJson(b[i]));
    differing += OrdersScenario::ToJson(a[i]) != OrdersScenario::ToJson(c[i]);
  }
  EXPECT_GT(differing, 450);
}

TEST(OrdersScenarioTest, EventsLookLikeKrxOrders) {
  std::set<std::string_view> symbols;
  for (auto s : OrdersScenario::Symbols()) symbols.insert(s);
  int buys = 0, large = 0, updates = 0;
  int64_t last_new_id = 0;
  for (const OrderEvent& e : Generate(42, kEvents)) {
    EXPECT_TRUE(symbols.count(e.symbol)) << e.symbol;
    EXPECT_TRUE(e.order_type == "BUY" || e.order_type == "SELL");
    EXPECT_GE(e.quantity, 1);
    EXPECT_LE(e.quantity, 2000);
    EXPECT_GT(e.price, 0);
    EXPECT_EQ(std::fmod(e.price, 50), 0) << e.price;  // every KRX tick is a multiple of 50 won
    EXPECT_GE(e.user_id, 10001);
    EXPECT_LE(e.user_id, 99999);
    EXPECT_GT(e.cdc_ts_ms, e.source_ts_ms);
    EXPECT_LE(e.cdc_ts_ms - e.source_ts_ms, 400);
    buys += e.order_type == "BUY";
    large += e.quantity >= 500;
    if (e.quantity < 500) {
      EXPECT_LE(e.quantity * e.price, 60e6) << e.quantity << " x " << e.price;
    }
    if (e.op == "c") {
      EXPECT_EQ(e.order_id, last_new_id + 1);  // new orders are numbered 1, 2, 3, ...
      last_new_id = e.order_id;
    } else {
      ASSERT_EQ(e.op, "u");
      EXPECT_LT(e.order_id, last_new_id + 1);  // an update refers to an earlier order
      ++updates;
    }
  }
  // 0.5% large orders, 52% buys, 5% updates: loose bounds a seeded run cannot miss by chance.
  EXPECT_GT(large, kEvents / 400);
  EXPECT_LT(large, kEvents / 100);
  EXPECT_GT(buys, kEvents * 45 / 100);
  EXPECT_LT(buys, kEvents * 60 / 100);
  EXPECT_GT(updates, kEvents * 3 / 100);
  EXPECT_LT(updates, kEvents * 7 / 100);
}

TEST(OrdersScenarioTest, PricesWalkWithOccasionalSpikes) {
  std::map<std::string_view, double> last;
  int spikes = 0, moves = 0;
  for (const OrderEvent& e : Generate(42, kEvents)) {
    auto it = last.find(e.symbol);
    if (it != last.end()) {
      double change = std::abs(e.price / it->second - 1);
      spikes += change > 0.10;  // PRICE_SPIKE's threshold
      moves += e.price != it->second;
    }
    last[e.symbol] = e.price;
  }
  // Spikes are 0.4% of events and over 11%; ordinary steps (sigma 0.2%) stay far below 10%.
  EXPECT_GT(spikes, 20);
  EXPECT_LT(spikes, 200);
  EXPECT_GT(moves, kEvents / 4);
}

TEST(OrdersScenarioTest, SomeUsersBurst) {
  int longest = 0, run = 0;
  int64_t previous = -1;
  for (const OrderEvent& e : Generate(42, kEvents)) {
    run = e.user_id == previous ? run + 1 : 1;
    previous = e.user_id;
    longest = std::max(longest, run);
  }
  // Uniform users out of 90,000 never repeat 8 times in a row; a burst does.
  EXPECT_GE(longest, 8);
}

TEST(OrdersScenarioTest, OnlyBurstsPutMoreThanFiveOrdersOfAUserInAMinute) {
  // At 50 orders/s (events 20 ms apart), RAPID_ORDERS (more than 5 orders of one user within a
  // minute) must come from bursts (0.3% of events start one), not from chance.
  std::map<int64_t, std::vector<int64_t>> times;
  for (const OrderEvent& e : Generate(42, kEvents)) times[e.user_id].push_back(e.source_ts_ms);
  int rapid_users = 0;
  for (const auto& [user, t] : times) {
    for (size_t i = 5; i < t.size(); ++i) {
      if (t[i] - t[i - 5] <= 60'000) {
        ++rapid_users;
        break;
      }
    }
  }
  EXPECT_GT(rapid_users, 20);
  EXPECT_LT(rapid_users, 120);
}

TEST(OrdersScenarioTest, JsonLine) {
  OrderEvent e;
  e.op = "c";
  e.order_id = 4002;
  e.user_id = 1007;
  e.symbol = "005930";
  e.order_type = "SELL";
  e.quantity = 600;
  e.price = 76500;
  e.status = "PENDING";
  e.source_ts_ms = kStart;
  e.cdc_ts_ms = kStart + 3;
  EXPECT_EQ(OrdersScenario::ToJson(e),
            R"({"op":"c","order_id":4002,"user_id":1007,"symbol":"005930","order_type":"SELL",)"
            R"("quantity":600,"price":76500.0,"status":"PENDING","source_ts_ms":1704067200000,)"
            R"("cdc_ts_ms":1704067200003})");
}

TEST(OrdersScenarioTest, ResolveFieldsChecksNamesAndTypes) {
  Schema good(std::vector<Field>{{"symbol", LogicalType::String()},
                                 {"quantity", LogicalType::Int()},
                                 {"source_ts", LogicalType::Timestamp(3)}});
  auto fields = OrdersScenario::ResolveFields(good);
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  EXPECT_EQ(*fields, (std::vector<OrdersScenario::Field>{OrdersScenario::Field::kSymbol,
                                                         OrdersScenario::Field::kQuantity,
                                                         OrdersScenario::Field::kSourceTs}));
  auto unknown =
      OrdersScenario::ResolveFields(Schema(std::vector<Field>{{"qty", LogicalType::Int()}}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("no field 'qty'"), std::string::npos);
  auto wrong =
      OrdersScenario::ResolveFields(Schema(std::vector<Field>{{"price", LogicalType::String()}}));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("'price'"), std::string::npos);
}

TEST(OrdersScenarioTest, DatagenSourceEmitsTheScenarioInOrder) {
  Schema table(std::vector<Field>{{"order_id", LogicalType::BigInt()},
                                  {"symbol", LogicalType::String()},
                                  {"price", LogicalType::Double()},
                                  {"source_ts", LogicalType::Timestamp(3)}});
  std::map<std::string, std::string> options = {
      {"connector", "datagen"}, {"scenario", "orders"},    {"seed", "5"},
      {"rows-per-second", "0"}, {"number-of-rows", "120"}, {"start-time", "2024-01-01T00:00:00Z"}};
  // Only two columns read: the projection must not change the values.
  auto projected = std::make_shared<Schema>(std::vector<Field>{
      {"price", LogicalType::Double()}, {"source_ts", LogicalType::Timestamp(3)}});
  auto source = DatagenSource::Create(options, projected, table);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  ASSERT_TRUE((*source)->Open().ok());
  OrdersScenario expected(5);
  int64_t row = 0;
  while (!(*source)->Finished()) {
    auto batch = (*source)->Poll(1000);
    ASSERT_TRUE(batch.ok());
    if (!batch->has_value()) continue;
    const Batch& b = *(*batch)->batch;
    for (size_t r = 0; r < b.num_rows; ++r, ++row) {
      // Row i of an unpaced source is at start-time + i ms.
      OrderEvent e = expected.Next(kStart + row);
      EXPECT_EQ(b.column(0).doubles()[r], e.price);
      EXPECT_EQ(b.column(1).ints()[r], kStart + row);
    }
  }
  EXPECT_EQ(row, 120);
  options["scenario"] = "clicks";
  auto bad = DatagenSource::Create(options, projected, table);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'clicks'"), std::string::npos);
}

}  // namespace
}  // namespace sluice::connectors
