#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// A half-open event-time window [start, end) in epoch milliseconds.
struct TimeWindow {
  int64_t start = 0;
  int64_t end = 0;
  bool operator==(const TimeWindow&) const = default;
};

/// Assigns event times to the windows of a TUMBLE, HOP or CUMULATE window function exactly as
/// Flink does. Immutable after creation; thread-safe.
class WindowAssigner {
 public:
  /// Validates `spec` (positive size and step; for HOP and CUMULATE the size must be a multiple
  /// of the step, as Flink requires) and returns an assigner for it.
  static Result<WindowAssigner> Create(const sql::WindowSpec& spec);

  /// Returns the start of the window of length `size` (aligned to `offset`) that holds `t`:
  /// t - ((t - offset) mod size), with the modulo taken towards negative infinity so that
  /// negative times fall into the window before zero.
  static int64_t WindowStart(int64_t t, int64_t offset, int64_t size);

  /// Appends to `out` every window holding event time `t`, in ascending order of end.
  /// TUMBLE: one window; HOP: size/slide windows; CUMULATE: every window of t's cumulation
  /// period that ends after t.
  void Assign(int64_t t, std::vector<TimeWindow>* out) const;

  const sql::WindowSpec& spec() const { return spec_; }

 private:
  explicit WindowAssigner(const sql::WindowSpec& spec) : spec_(spec) {}

  sql::WindowSpec spec_;
};

}  // namespace sluice::runtime
