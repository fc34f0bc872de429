#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "connectors/datagen/delayed_events.h"
#include "connectors/datagen/event_scenario.h"

namespace sluice::connectors {

/// One event of the 'impressions-clicks' scenario: a product shown to a user, or a click on it.
struct ClickStreamEvent {
  std::string_view event_type;  // "impression" or "click"
  int64_t event_id = 0;         // 1, 2, 3, ... in emission order
  int64_t impression_id = 0;    // a click names the impression it follows
  std::string_view product_id;  // "P01" .. "P10"
  int64_t user_id = 0;
  int64_t ts_ms = 0;  // event time, epoch millis
};

/// The 'impressions-clicks' scenario (seed 001's CTR pipeline): impressions of ten products
/// P01..P10, each with a known click-through rate (ProductCtr: 2 % for P01 up to 20 % for P10).
/// Each impression is followed, with its product's CTR, by one click 1-20 events later. Event
/// times are the nominal time moved up to kMaxDisorderMs into the past (bounded disorder: most
/// events by at most 500 ms, one in ten by up to 4 s), so a 2-second watermark sees some late
/// events and 5 seconds of allowed lateness still counts all of them.
/// Lifecycle and threading: as EventScenario.
class ImpressionsClicksScenario : public EventScenario {
 public:
  static constexpr int kProducts = 10;
  static constexpr int64_t kMaxDisorderMs = 4000;

  explicit ImpressionsClicksScenario(uint64_t seed) : EventScenario(seed) {}

  /// Returns the click-through rate of product index `product` (0-based) as a fraction.
  static double ProductCtr(int product) { return 0.02 * (product + 1); }
  /// Returns the id of product index `product`: "P01" .. "P10".
  static std::string_view ProductId(int product);

  void Next(int64_t time_ms) override;
  std::string ToJson() const override;
  void Append(int field, Column* out) const override;

  /// Returns the current event.
  const ClickStreamEvent& event() const { return event_; }

 protected:
  std::string_view name() const override { return "impressions-clicks"; }
  std::span<const FieldSpec> fields() const override;

 private:
  ClickStreamEvent event_;
  DelayedEvents<ClickStreamEvent> clicks_;
  int64_t next_event_id_ = 1;
};

}  // namespace sluice::connectors
