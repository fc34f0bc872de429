#pragma once

#include "expr/aggregate_function.h"

namespace sluice::expr {

/// MIN(x) / MAX(x) over any orderable type; the result keeps the argument's type (nullable) and
/// is NULL over no non-NULL rows. A string extreme is copied into a heap string the state points
/// to (released by Destroy), so states may be moved bytewise. When `retractable` (changelog
/// input), the state also keeps the multiset of values seen (value -> count, on the heap), so
/// Retract removes one occurrence and the extreme falls back to the next value; otherwise
/// Retract returns kUnsupported. Immutable; shareable across threads.
class MinMaxAggregate final : public AggregateFunction {
 public:
  MinMaxAggregate(bool is_max, LogicalType type, bool retractable = false);

  size_t state_size() const override;
  void Init(uint8_t* state) const override;
  void Destroy(uint8_t* state) const override;
  void Update(uint8_t* state, const Column* arg, size_t row) const override;
  void UpdateBatch(uint8_t* const* states, const Column* arg, const uint32_t* rows,
                   size_t n) const override;
  Status Retract(uint8_t* state, const Column* arg, size_t row) const override;
  void Merge(uint8_t* state, const uint8_t* other) const override;
  void Finalize(const uint8_t* state, Column* out) const override;
  void Serialize(const uint8_t* state, std::string* out) const override;
  Status Deserialize(std::string_view* in, uint8_t* state) const override;
  const LogicalType& result_type() const override { return type_; }

 private:
  // Adds `delta` (+1/-1) occurrences of row `row`'s value to the state's multiset and updates
  // the extreme; false (and no change) when a removal finds no such value.
  bool Count(uint8_t* state, const Column* arg, size_t row, int64_t delta) const;
  // Sets the state's extreme from its multiset (retractable mode).
  void TakeExtreme(uint8_t* state) const;
  void SerializeMultiset(const uint8_t* state, std::string* out) const;
  bool DeserializeMultiset(std::string_view* in, uint8_t* state) const;

  bool is_max_;
  LogicalType type_;
  PhysicalType physical_;
  bool retractable_;
};

}  // namespace sluice::expr
