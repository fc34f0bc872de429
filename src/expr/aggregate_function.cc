#include "expr/aggregate_function.h"

namespace sluice::expr {

void AggregateFunction::UpdateBatch(uint8_t* const* states, const Column* arg, const uint32_t* rows,
                                    size_t n) const {
  for (size_t i = 0; i < n; ++i) Update(states[i], arg, rows[i]);
}

Status AggregateFunction::Retract(uint8_t* state, const Column* arg, size_t row) const {
  (void)state;
  (void)arg;
  (void)row;
  return Status::Unsupported("this aggregate function cannot retract rows");
}

}  // namespace sluice::expr
