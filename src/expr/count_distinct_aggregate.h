#pragma once

#include "expr/aggregate_function.h"

namespace sluice::expr {

/// COUNT(DISTINCT x) over any type: BIGINT NOT NULL. The state points to a heap map from each
/// distinct non-NULL value to how many rows carry it (released by Destroy), which makes the
/// function retractable and its states movable bytewise. Immutable; shareable across threads.
class CountDistinctAggregate final : public AggregateFunction {
 public:
  explicit CountDistinctAggregate(LogicalType arg_type);

  size_t state_size() const override;
  void Init(uint8_t* state) const override;
  void Destroy(uint8_t* state) const override;
  void Update(uint8_t* state, const Column* arg, size_t row) const override;
  Status Retract(uint8_t* state, const Column* arg, size_t row) const override;
  void Merge(uint8_t* state, const uint8_t* other) const override;
  void Finalize(const uint8_t* state, Column* out) const override;
  void Serialize(const uint8_t* state, std::string* out) const override;
  Status Deserialize(std::string_view* in, uint8_t* state) const override;
  const LogicalType& result_type() const override { return type_; }

 private:
  PhysicalType physical_;
  LogicalType type_;
};

}  // namespace sluice::expr
