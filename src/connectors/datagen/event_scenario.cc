#include "connectors/datagen/event_scenario.h"

#include <fmt/format.h>

#include "connectors/datagen/ad_events_scenario.h"
#include "connectors/datagen/impressions_clicks_scenario.h"
#include "connectors/datagen/orders_scenario.h"
#include "connectors/datagen/page_views_scenario.h"

namespace sluice::connectors {
namespace {

// The orders scenario behind the common interface; its fields and types are OrdersScenario's.
class OrdersEventScenario : public EventScenario {
 public:
  explicit OrdersEventScenario(uint64_t seed) : EventScenario(seed), orders_(seed) {}

  void Next(int64_t time_ms) override { event_ = orders_.Next(time_ms); }
  std::string ToJson() const override { return OrdersScenario::ToJson(event_); }
  Result<std::vector<int>> ResolveFields(const Schema& schema) const override {
    ASSIGN_OR_RETURN(auto fields, OrdersScenario::ResolveFields(schema));
    std::vector<int> out;
    for (auto f : fields) out.push_back(static_cast<int>(f));
    return out;
  }
  void Append(int field, Column* out) const override {
    OrdersScenario::Append(static_cast<OrdersScenario::Field>(field), event_, out);
  }

 protected:
  std::string_view name() const override { return "orders"; }
  std::span<const FieldSpec> fields() const override { return {}; }

 private:
  OrdersScenario orders_;
  OrderEvent event_;
};

bool Accepts(EventScenario::Kind kind, const LogicalType& type) {
  switch (kind) {
    case EventScenario::Kind::kString:
      return type.id == TypeId::kString;
    case EventScenario::Kind::kDouble:
      return type.id == TypeId::kDouble || type.id == TypeId::kFloat;
    case EventScenario::Kind::kInt64:
      return type.id == TypeId::kInt || type.id == TypeId::kBigInt;
    case EventScenario::Kind::kTime:
      return type.id == TypeId::kBigInt || type.is_timestamp();
  }
  return false;
}

}  // namespace

std::vector<std::string_view> EventScenario::Names() {
  return {"orders", "impressions-clicks", "ad-events", "page-views"};
}

Result<std::unique_ptr<EventScenario>> EventScenario::Create(std::string_view name, uint64_t seed) {
  if (name == "orders") return std::unique_ptr<EventScenario>(new OrdersEventScenario(seed));
  if (name == "impressions-clicks") {
    return std::unique_ptr<EventScenario>(new ImpressionsClicksScenario(seed));
  }
  if (name == "ad-events") return std::unique_ptr<EventScenario>(new AdEventsScenario(seed));
  if (name == "page-views") return std::unique_ptr<EventScenario>(new PageViewsScenario(seed));
  return Status::InvalidArgument(
      fmt::format("datagen option 'scenario' = '{}': the known scenarios are {}", name,
                  fmt::join(Names(), ", ")));
}

Result<std::vector<int>> EventScenario::ResolveFields(const Schema& schema) const {
  std::vector<int> out;
  std::span<const FieldSpec> specs = fields();
  for (const auto& f : schema.fields()) {
    int index = -1;
    for (size_t i = 0; i < specs.size(); ++i) {
      if (specs[i].name == f.name) index = static_cast<int>(i);
    }
    if (index < 0) {
      std::vector<std::string_view> names;
      for (const FieldSpec& s : specs) names.push_back(s.name);
      return Status::InvalidArgument(
          fmt::format("datagen scenario '{}' has no field '{}'; it has {}", name(), f.name,
                      fmt::join(names, ", ")));
    }
    if (!Accepts(specs[index].kind, f.type)) {
      return Status::InvalidArgument(fmt::format("datagen scenario '{}': column '{}' cannot be {}",
                                                 name(), f.name, f.type.ToString()));
    }
    out.push_back(index);
  }
  return out;
}

int64_t EventScenario::Disordered(int64_t time_ms, int64_t max_ms) {
  if (max_ms <= 0) return time_ms;
  if (Uniform() < 0.1) return time_ms - UniformInt(0, max_ms);
  return time_ms - UniformInt(0, max_ms / 8);
}

}  // namespace sluice::connectors
