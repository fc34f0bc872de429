#pragma once

#include "expr/aggregate_function.h"

namespace sluice::expr {

/// SUM(x) and AVG(x) over numeric x: both keep the running sum and the count of non-NULL rows
/// (AVG divides at Finalize; integer averages truncate toward zero, DECIMAL averages round
/// HALF_UP to the result scale). The value over no non-NULL rows is NULL. Retractable.
/// Immutable; shareable across threads.
class SumAggregate final : public AggregateFunction {
 public:
  /// `arg_type` is the argument's type, `result_type` the resolved result type.
  SumAggregate(bool average, LogicalType arg_type, LogicalType result_type);

  size_t state_size() const override;
  void Init(uint8_t* state) const override;
  void Update(uint8_t* state, const Column* arg, size_t row) const override;
  void UpdateBatch(uint8_t* const* states, const Column* arg, const uint32_t* rows,
                   size_t n) const override;
  Status Retract(uint8_t* state, const Column* arg, size_t row) const override;
  void Merge(uint8_t* state, const uint8_t* other) const override;
  void Finalize(const uint8_t* state, Column* out) const override;
  void Serialize(const uint8_t* state, std::string* out) const override;
  Status Deserialize(std::string_view* in, uint8_t* state) const override;
  const LogicalType& result_type() const override { return result_type_; }

 private:
  void FinalizeAverage(const uint8_t* state, Column* out) const;

  bool average_;
  bool floating_;  // the argument is FLOAT or DOUBLE: sum in double
  LogicalType arg_type_;
  LogicalType result_type_;
};

}  // namespace sluice::expr
