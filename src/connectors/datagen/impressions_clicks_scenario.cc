#include "connectors/datagen/impressions_clicks_scenario.h"

#include <fmt/format.h>

namespace sluice::connectors {
namespace {

enum class ImpressionsClicksField {
  kEventType,
  kEventId,
  kImpressionId,
  kProductId,
  kUserId,
  kTs,
  kTsMs
};

constexpr std::array<EventScenario::FieldSpec, 7> kImpressionsClicksFields = {{
    {"event_type", EventScenario::Kind::kString},
    {"event_id", EventScenario::Kind::kInt64},
    {"impression_id", EventScenario::Kind::kInt64},
    {"product_id", EventScenario::Kind::kString},
    {"user_id", EventScenario::Kind::kInt64},
    {"ts", EventScenario::Kind::kTime},
    {"ts_ms", EventScenario::Kind::kTime},
}};

constexpr std::array<std::string_view, ImpressionsClicksScenario::kProducts> kProductIds = {
    "P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10"};

}  // namespace

std::string_view ImpressionsClicksScenario::ProductId(int product) {
  return kProductIds[static_cast<size_t>(product)];
}

std::span<const EventScenario::FieldSpec> ImpressionsClicksScenario::fields() const {
  return kImpressionsClicksFields;
}

void ImpressionsClicksScenario::Next(int64_t time_ms) {
  const int64_t number = next_event_id_++;
  if (auto click = clicks_.PopDue(number)) {
    event_ = *click;
  } else {
    int product = static_cast<int>(UniformInt(0, kProducts - 1));
    event_ = ClickStreamEvent{"impression", 0, number, ProductId(product), UniformInt(1, 5000), 0};
    if (Uniform() < ProductCtr(product)) {
      ClickStreamEvent click = event_;
      click.event_type = "click";
      clicks_.Add(number + UniformInt(1, 20), click);
    }
  }
  event_.event_id = number;
  event_.ts_ms = Disordered(time_ms, kMaxDisorderMs);
}

std::string ImpressionsClicksScenario::ToJson() const {
  return fmt::format(
      R"({{"event_type":"{}","event_id":{},"impression_id":{},"product_id":"{}","user_id":{},)"
      R"("ts_ms":{}}})",
      event_.event_type, event_.event_id, event_.impression_id, event_.product_id, event_.user_id,
      event_.ts_ms);
}

void ImpressionsClicksScenario::Append(int field, Column* out) const {
  switch (static_cast<ImpressionsClicksField>(field)) {
    case ImpressionsClicksField::kEventType:
      return out->AppendStringView(event_.event_type);
    case ImpressionsClicksField::kEventId:
      return out->AppendInt(event_.event_id);
    case ImpressionsClicksField::kImpressionId:
      return out->AppendInt(event_.impression_id);
    case ImpressionsClicksField::kProductId:
      return out->AppendStringView(event_.product_id);
    case ImpressionsClicksField::kUserId:
      return out->AppendInt(event_.user_id);
    default:
      return out->AppendInt(event_.ts_ms);
  }
}

}  // namespace sluice::connectors
