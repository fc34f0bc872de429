#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "types/column.h"
#include "types/schema.h"

namespace sluice::connectors {

/// A generated event stream of `'connector' = 'datagen'` with `'scenario' = '<name>'` and of
/// `sluice kafka produce --scenario <name>`: 'orders' (OrdersScenario), 'impressions-clicks'
/// (ImpressionsClicksScenario), 'ad-events' (AdEventsScenario) and 'page-views'
/// (PageViewsScenario). Each call of Next makes one
/// event, a pure function of the seed and the times passed so far, so a scenario replayed from
/// the start with the same seed and times emits the same events. Columns of a table fed by a
/// scenario are matched to the scenario's fields by name.
/// Lifecycle: Create, then Next once per event in order, reading the event with ToJson / Append
/// before the next call. Not thread-safe.
class EventScenario {
 public:
  /// How a field's value is stored: kTime is epoch millis, readable as BIGINT or TIMESTAMP(_LTZ).
  enum class Kind { kString, kInt64, kDouble, kTime };

  /// One field of a scenario's events.
  struct FieldSpec {
    std::string_view name;
    Kind kind;
  };

  virtual ~EventScenario() = default;

  /// Returns the scenario `name` seeded with `seed`; kInvalidArgument listing the known names.
  static Result<std::unique_ptr<EventScenario>> Create(std::string_view name, uint64_t seed);

  /// Returns the names Create knows.
  static std::vector<std::string_view> Names();

  /// Makes the next event; `time_ms` is its nominal time (epoch millis), which a scenario with
  /// disorder moves a bounded amount into the past.
  virtual void Next(int64_t time_ms) = 0;

  /// Returns the current event as one line of JSON (no newline).
  virtual std::string ToJson() const = 0;

  /// Maps each column of `schema` to a field index; kInvalidArgument naming the column when a
  /// name is not one of the scenario's or its type cannot hold the value.
  virtual Result<std::vector<int>> ResolveFields(const Schema& schema) const;

  /// Appends field `field` (an index ResolveFields returned) of the current event to `out`.
  virtual void Append(int field, Column* out) const = 0;

 protected:
  explicit EventScenario(uint64_t seed) : rng_(seed) {}

  /// Returns the scenario's name, for error messages.
  virtual std::string_view name() const = 0;
  /// Returns the fields ResolveFields matches columns against, in index order.
  virtual std::span<const FieldSpec> fields() const = 0;

  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  int64_t UniformInt(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  /// Returns `time_ms` moved up to `max_ms` into the past: mostly a little (up to max_ms / 8),
  /// one event in ten by up to `max_ms` (bounded out-of-orderness, with a tail).
  int64_t Disordered(int64_t time_ms, int64_t max_ms);

 private:
  std::mt19937_64 rng_;
};

}  // namespace sluice::connectors
