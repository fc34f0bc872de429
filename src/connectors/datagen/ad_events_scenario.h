#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/datagen/delayed_events.h"
#include "connectors/datagen/event_scenario.h"

namespace sluice::connectors {

/// One event of the 'ad-events' scenario (seed 002's ad log).
struct AdEvent {
  int64_t number = 0;           // 1, 2, 3, ... in emission order; event_id is "evt-<number>"
  int64_t ts_ms = 0;            // event time, epoch millis
  int64_t user = 0;             // user_id is "user_<user>"
  int64_t campaign = 0;         // campaign_id is "camp_<campaign>"
  std::string_view ad_format;   // banner, interstitial, rewarded_video
  std::string_view country;     // US JP CA UK KR DE FR
  std::string_view device;      // android, ios, web
  std::string_view event_type;  // impression or click
  double revenue = 0;           // 0 for impressions
};

/// The 'ad-events' scenario: ad impressions in seven countries and three formats (drawn
/// uniformly), each followed, with its format's click-through rate (FormatCtr: banner 5 %,
/// interstitial 12 %, rewarded_video 25 %), by a click 1-30 events later. A click earns
/// CountryWeight(country) x a uniform 0.02-0.10 (US 1.0 down to FR 0.45, so revenue ranks
/// US > JP > CA > UK > KR > DE > FR); impressions earn nothing. Event times are the nominal time
/// moved up to kMaxDisorderMs into the past. Lifecycle and threading: as EventScenario.
class AdEventsScenario : public EventScenario {
 public:
  static constexpr int64_t kMaxDisorderMs = 3000;

  explicit AdEventsScenario(uint64_t seed) : EventScenario(seed) {}

  /// Returns the formats, countries and devices events use.
  static std::vector<std::string_view> Formats();
  static std::vector<std::string_view> Countries();
  static std::vector<std::string_view> Devices();
  /// Returns the click-through rate of `format` as a fraction (0 for an unknown one).
  static double FormatCtr(std::string_view format);
  /// Returns the revenue weight of `country` (0 for an unknown one).
  static double CountryWeight(std::string_view country);

  void Next(int64_t time_ms) override;
  std::string ToJson() const override;
  void Append(int field, Column* out) const override;

  /// Returns the current event.
  const AdEvent& event() const { return event_; }

 protected:
  std::string_view name() const override { return "ad-events"; }
  std::span<const FieldSpec> fields() const override;

 private:
  AdEvent event_;
  DelayedEvents<AdEvent> clicks_;
};

}  // namespace sluice::connectors
