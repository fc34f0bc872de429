#pragma once

#include <cstdint>
#include <optional>

#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "sql/over_spec.h"
#include "types/value.h"

namespace sluice::runtime {

/// The running state of one COUNT, SUM, AVG, MIN or MAX call of an OVER aggregation: values are
/// added one at a time (no retraction; bounded frames rebuild an accumulator over the frame).
/// Plain values, copyable; single-threaded.
class OverAccumulator {
 public:
  /// Creates an empty accumulator for `call`, whose argument has type `arg_type`.
  OverAccumulator(const sql::OverCall& call, const LogicalType& arg_type);

  /// Adds one row that passed the call's FILTER: `value` is its argument (ignored by COUNT(*)).
  void Add(const Value& value);
  /// Returns the result as Flink computes it: COUNT 0 and the others NULL over no values,
  /// integer AVG truncated, DECIMAL AVG rescaled to the result's scale.
  Value Result() const;
  /// Writes the running values; RestoreState reads them back into an accumulator of the same call.
  void SaveState(StateEncoder* out) const;
  Status RestoreState(StateDecoder* in);

 private:
  double AsDouble(int64_t scaled) const;

  const sql::OverCall* call_;
  LogicalType arg_type_;
  int64_t count_ = 0;  // rows (COUNT(*)) or non-NULL values
  int64_t int_sum_ = 0;
  double double_sum_ = 0;
  std::optional<Value> extreme_;  // MIN / MAX
};

}  // namespace sluice::runtime
