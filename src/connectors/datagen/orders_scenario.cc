#include "connectors/datagen/orders_scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sluice::connectors {
namespace {

struct Listing {
  std::string_view symbol;
  double base_price;  // KRW
};

// KRX codes with prices of the right order of magnitude.
constexpr std::array<Listing, 8> kListings = {{{"005930", 76000},
                                               {"035420", 220000},
                                               {"000660", 185000},
                                               {"035720", 46000},
                                               {"005380", 240000},
                                               {"051910", 400000},
                                               {"068270", 180000},
                                               {"207940", 800000}}};

constexpr double kSpikeProbability = 0.004;
// Enough users that, at demo rates, only bursts put more than 5 orders of one user in a minute.
constexpr int64_t kFirstUser = 10001;
constexpr int64_t kLastUser = 99999;
constexpr double kLargeOrderProbability = 0.005;
// Ordinary orders stay under this amount, so HIGH_AMOUNT (>= 100M KRW) comes from large orders.
constexpr double kOrdinaryAmountCap = 60e6;
constexpr double kBurstProbability = 0.003;
constexpr double kUpdateProbability = 0.05;
constexpr double kSlowCaptureProbability = 0.02;

struct FieldSpec {
  std::string_view name;
  OrdersScenario::Field field;
  PhysicalType physical;
};

constexpr std::array<FieldSpec, 12> kOrdersFields = {{
    {"op", OrdersScenario::Field::kOp, PhysicalType::kString},
    {"order_id", OrdersScenario::Field::kOrderId, PhysicalType::kInt64},
    {"user_id", OrdersScenario::Field::kUserId, PhysicalType::kInt64},
    {"symbol", OrdersScenario::Field::kSymbol, PhysicalType::kString},
    {"order_type", OrdersScenario::Field::kOrderType, PhysicalType::kString},
    {"quantity", OrdersScenario::Field::kQuantity, PhysicalType::kInt64},
    {"price", OrdersScenario::Field::kPrice, PhysicalType::kDouble},
    {"status", OrdersScenario::Field::kStatus, PhysicalType::kString},
    {"source_ts", OrdersScenario::Field::kSourceTs, PhysicalType::kInt64},
    {"cdc_ts", OrdersScenario::Field::kCdcTs, PhysicalType::kInt64},
    {"source_ts_ms", OrdersScenario::Field::kSourceTs, PhysicalType::kInt64},
    {"cdc_ts_ms", OrdersScenario::Field::kCdcTs, PhysicalType::kInt64},
}};

// KRX-like tick sizes.
double RoundToTick(double price) {
  double tick = price >= 500000 ? 1000 : price >= 100000 ? 500 : price >= 50000 ? 100 : 50;
  return std::max(tick, std::round(price / tick) * tick);
}

bool OrdersFieldAccepts(PhysicalType wanted, const LogicalType& type) {
  switch (wanted) {
    case PhysicalType::kString:
      return type.id == TypeId::kString;
    case PhysicalType::kDouble:
      return type.id == TypeId::kDouble || type.id == TypeId::kFloat;
    case PhysicalType::kInt64:
      return type.id == TypeId::kInt || type.id == TypeId::kBigInt;
    default:
      return false;
  }
}

}  // namespace

OrdersScenario::OrdersScenario(uint64_t seed) : rng_(seed) {
  for (const Listing& l : kListings) prices_.push_back(l.base_price);
}

std::vector<std::string_view> OrdersScenario::Symbols() {
  std::vector<std::string_view> out;
  for (const Listing& l : kListings) out.push_back(l.symbol);
  return out;
}

double OrdersScenario::NextPrice(size_t symbol) {
  double& p = prices_[symbol];
  double step = std::normal_distribution<double>(0, 0.002)(rng_);
  if (Uniform() < kSpikeProbability) step = (Uniform() < 0.5 ? -1 : 1) * (0.11 + 0.05 * Uniform());
  // Mean reversion keeps a long demo within a plausible band around the base price.
  step += 0.001 * std::log(kListings[symbol].base_price / p);
  p = RoundToTick(p * (1 + step));
  return p;
}

int64_t OrdersScenario::NextUser() {
  if (burst_left_ > 0) {
    --burst_left_;
    return burst_user_;
  }
  int64_t user = UniformInt(kFirstUser, kLastUser);
  if (Uniform() < kBurstProbability) {
    burst_user_ = user;
    burst_left_ = static_cast<int>(UniformInt(7, 14));
  }
  return user;
}

int32_t OrdersScenario::NextQuantity(double price) {
  if (Uniform() < kLargeOrderProbability) return static_cast<int32_t>(UniformInt(5, 20) * 100);
  // Mostly small lots, skewed towards a few shares, at most 300 and under the amount cap.
  double most = std::clamp(kOrdinaryAmountCap / price, 1.0, 300.0);
  double q = std::exp(Uniform() * std::log(most));
  return static_cast<int32_t>(std::clamp(q, 1.0, most));
}

OrderEvent OrdersScenario::Next(int64_t time_ms) {
  OrderEvent e;
  size_t symbol = static_cast<size_t>(UniformInt(0, kListings.size() - 1));
  e.symbol = kListings[symbol].symbol;
  e.price = NextPrice(symbol);
  e.user_id = NextUser();
  e.quantity = NextQuantity(e.price);
  e.order_type = Uniform() < 0.52 ? "BUY" : "SELL";
  double s = Uniform();
  e.status = s < 0.70   ? "FILLED"
             : s < 0.90 ? "PENDING"
             : s < 0.95 ? "PARTIALLY_FILLED"
                        : "CANCELLED";
  if (next_order_id_ > 10 && Uniform() < kUpdateProbability) {
    e.op = "u";
    e.order_id = next_order_id_ - UniformInt(1, 10);
    e.status = "FILLED";
  } else {
    e.op = "c";
    e.order_id = next_order_id_++;
  }
  e.source_ts_ms = time_ms;
  int64_t capture = Uniform() < kSlowCaptureProbability ? UniformInt(50, 400) : UniformInt(1, 15);
  e.cdc_ts_ms = time_ms + capture;
  return e;
}

std::string OrdersScenario::ToJson(const OrderEvent& e) {
  return fmt::format(
      R"({{"op":"{}","order_id":{},"user_id":{},"symbol":"{}","order_type":"{}",)"
      R"("quantity":{},"price":{:.1f},"status":"{}","source_ts_ms":{},"cdc_ts_ms":{}}})",
      e.op, e.order_id, e.user_id, e.symbol, e.order_type, e.quantity, e.price, e.status,
      e.source_ts_ms, e.cdc_ts_ms);
}

Result<std::vector<OrdersScenario::Field>> OrdersScenario::ResolveFields(const Schema& schema) {
  std::vector<Field> out;
  for (const auto& f : schema.fields()) {
    const FieldSpec* spec = nullptr;
    for (const FieldSpec& s : kOrdersFields) {
      if (s.name == f.name) spec = &s;
    }
    if (spec == nullptr) {
      return Status::InvalidArgument(fmt::format(
          "datagen scenario 'orders' has no field '{}'; it has op, order_id, user_id, symbol, "
          "order_type, quantity, price, status, source_ts[_ms], cdc_ts[_ms]",
          f.name));
    }
    bool is_time = f.name == "source_ts" || f.name == "cdc_ts";
    bool ok = OrdersFieldAccepts(spec->physical, f.type) ||
              (is_time && (f.type.id == TypeId::kTimestamp || f.type.id == TypeId::kTimestampLtz));
    if (!ok) {
      return Status::InvalidArgument(fmt::format(
          "datagen scenario 'orders': column '{}' cannot be {}", f.name, f.type.ToString()));
    }
    out.push_back(spec->field);
  }
  return out;
}

void OrdersScenario::Append(Field field, const OrderEvent& e, Column* out) {
  switch (field) {
    case Field::kOp:
      return out->AppendStringView(e.op);
    case Field::kOrderId:
      return out->AppendInt(e.order_id);
    case Field::kUserId:
      return out->AppendInt(e.user_id);
    case Field::kSymbol:
      return out->AppendStringView(e.symbol);
    case Field::kOrderType:
      return out->AppendStringView(e.order_type);
    case Field::kQuantity:
      return out->AppendInt(e.quantity);
    case Field::kPrice:
      return out->AppendDouble(e.price);
    case Field::kStatus:
      return out->AppendStringView(e.status);
    case Field::kSourceTs:
      return out->AppendInt(e.source_ts_ms);
    case Field::kCdcTs:
      return out->AppendInt(e.cdc_ts_ms);
  }
}

}  // namespace sluice::connectors
