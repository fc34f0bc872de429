#include "connectors/datagen/ad_events_scenario.h"

#include <fmt/format.h>

#include <array>
#include <cmath>

namespace sluice::connectors {
namespace {

enum class AdEventsField {
  kEventId,
  kTs,
  kTsMs,
  kUserId,
  kCampaignId,
  kAdFormat,
  kCountry,
  kDevice,
  kEventType,
  kRevenue
};

constexpr std::array<EventScenario::FieldSpec, 10> kAdEventsFields = {{
    {"event_id", EventScenario::Kind::kString},
    {"ts", EventScenario::Kind::kTime},
    {"ts_ms", EventScenario::Kind::kTime},
    {"user_id", EventScenario::Kind::kString},
    {"campaign_id", EventScenario::Kind::kString},
    {"ad_format", EventScenario::Kind::kString},
    {"country", EventScenario::Kind::kString},
    {"device", EventScenario::Kind::kString},
    {"event_type", EventScenario::Kind::kString},
    {"revenue", EventScenario::Kind::kDouble},
}};

struct Weighted {
  std::string_view name;
  double value;
};

constexpr std::array<Weighted, 3> kFormats = {
    {{"banner", 0.05}, {"interstitial", 0.12}, {"rewarded_video", 0.25}}};
constexpr std::array<Weighted, 7> kCountries = {{{"US", 1.0},
                                                 {"JP", 0.85},
                                                 {"CA", 0.75},
                                                 {"UK", 0.7},
                                                 {"KR", 0.55},
                                                 {"DE", 0.5},
                                                 {"FR", 0.45}}};
// Cumulative shares of the devices.
constexpr std::array<Weighted, 3> kDevices = {{{"android", 0.5}, {"ios", 0.85}, {"web", 1.0}}};

template <size_t N>
std::vector<std::string_view> NamesOf(const std::array<Weighted, N>& table) {
  std::vector<std::string_view> out;
  for (const Weighted& w : table) out.push_back(w.name);
  return out;
}

template <size_t N>
double ValueOf(const std::array<Weighted, N>& table, std::string_view name) {
  for (const Weighted& w : table) {
    if (w.name == name) return w.value;
  }
  return 0;
}

}  // namespace

std::vector<std::string_view> AdEventsScenario::Formats() { return NamesOf(kFormats); }
std::vector<std::string_view> AdEventsScenario::Countries() { return NamesOf(kCountries); }
std::vector<std::string_view> AdEventsScenario::Devices() { return NamesOf(kDevices); }
double AdEventsScenario::FormatCtr(std::string_view format) { return ValueOf(kFormats, format); }
double AdEventsScenario::CountryWeight(std::string_view country) {
  return ValueOf(kCountries, country);
}

std::span<const EventScenario::FieldSpec> AdEventsScenario::fields() const {
  return kAdEventsFields;
}

void AdEventsScenario::Next(int64_t time_ms) {
  const int64_t number = event_.number + 1;
  if (auto click = clicks_.PopDue(number)) {
    event_ = *click;
  } else {
    const Weighted& format = kFormats[static_cast<size_t>(UniformInt(0, kFormats.size() - 1))];
    const Weighted& country = kCountries[static_cast<size_t>(UniformInt(0, kCountries.size() - 1))];
    double d = Uniform();
    size_t device = 0;
    while (device + 1 < kDevices.size() && d >= kDevices[device].value) ++device;
    event_ = AdEvent{0,
                     0,
                     UniformInt(1, 20000),
                     UniformInt(1, 50),
                     format.name,
                     country.name,
                     kDevices[device].name,
                     "impression",
                     0};
    if (Uniform() < format.value) {
      AdEvent click = event_;
      click.event_type = "click";
      // Whole millionths, so the JSON text holds the exact value.
      click.revenue = std::round(country.value * (0.02 + 0.08 * Uniform()) * 1e6) / 1e6;
      clicks_.Add(number + UniformInt(1, 30), click);
    }
  }
  event_.number = number;
  event_.ts_ms = Disordered(time_ms, kMaxDisorderMs);
}

std::string AdEventsScenario::ToJson() const {
  return fmt::format(
      R"({{"event_id":"evt-{}","ts_ms":{},"user_id":"user_{}","campaign_id":"camp_{}",)"
      R"("ad_format":"{}","country":"{}","device":"{}","event_type":"{}","revenue":{:.6f}}})",
      event_.number, event_.ts_ms, event_.user, event_.campaign, event_.ad_format, event_.country,
      event_.device, event_.event_type, event_.revenue);
}

void AdEventsScenario::Append(int field, Column* out) const {
  switch (static_cast<AdEventsField>(field)) {
    case AdEventsField::kEventId:
      return out->AppendString(fmt::format("evt-{}", event_.number));
    case AdEventsField::kTs:
    case AdEventsField::kTsMs:
      return out->AppendInt(event_.ts_ms);
    case AdEventsField::kUserId:
      return out->AppendString(fmt::format("user_{}", event_.user));
    case AdEventsField::kCampaignId:
      return out->AppendString(fmt::format("camp_{}", event_.campaign));
    case AdEventsField::kAdFormat:
      return out->AppendStringView(event_.ad_format);
    case AdEventsField::kCountry:
      return out->AppendStringView(event_.country);
    case AdEventsField::kDevice:
      return out->AppendStringView(event_.device);
    case AdEventsField::kEventType:
      return out->AppendStringView(event_.event_type);
    default:
      return out->AppendDouble(event_.revenue);
  }
}

}  // namespace sluice::connectors
