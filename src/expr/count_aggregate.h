#pragma once

#include "expr/aggregate_function.h"

namespace sluice::expr {

/// COUNT(*) (counts every row) and COUNT(x) (counts rows where x is not NULL); BIGINT NOT NULL.
/// State: one int64. Retractable. Immutable; shareable across threads.
class CountAggregate final : public AggregateFunction {
 public:
  explicit CountAggregate(bool count_star);

  size_t state_size() const override { return sizeof(int64_t); }
  void Init(uint8_t* state) const override;
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
  bool count_star_;
  LogicalType type_;
};

}  // namespace sluice::expr
