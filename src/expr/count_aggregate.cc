#include "expr/count_aggregate.h"

#include <new>

#include "expr/aggregate_state_codec.h"

namespace sluice::expr {
namespace {

constexpr uint8_t kCountStateVersion = 1;

int64_t& Count(uint8_t* state) { return *std::launder(reinterpret_cast<int64_t*>(state)); }
int64_t Count(const uint8_t* state) {
  return *std::launder(reinterpret_cast<const int64_t*>(state));
}

}  // namespace

CountAggregate::CountAggregate(bool count_star)
    : count_star_(count_star), type_(LogicalType::BigInt().WithNullable(false)) {}

void CountAggregate::Init(uint8_t* state) const { new (state) int64_t(0); }

void CountAggregate::Update(uint8_t* state, const Column* arg, size_t row) const {
  if (count_star_ || !arg->IsNull(row)) ++Count(state);
}

void CountAggregate::UpdateBatch(uint8_t* const* states, const Column* arg, const uint32_t* rows,
                                 size_t n) const {
  if (count_star_ || !arg->has_nulls()) {
    for (size_t i = 0; i < n; ++i) ++Count(states[i]);
    return;
  }
  for (size_t i = 0; i < n; ++i) Count(states[i]) += arg->IsNull(rows[i]) ? 0 : 1;
}

Status CountAggregate::Retract(uint8_t* state, const Column* arg, size_t row) const {
  if (count_star_ || !arg->IsNull(row)) --Count(state);
  return Status::Ok();
}

void CountAggregate::Merge(uint8_t* state, const uint8_t* other) const {
  Count(state) += Count(other);
}

void CountAggregate::Finalize(const uint8_t* state, Column* out) const {
  out->AppendInt(Count(state));
}

void CountAggregate::Serialize(const uint8_t* state, std::string* out) const {
  AggregateStateCodec::PutU8(kCountStateVersion, out);
  AggregateStateCodec::PutI64(Count(state), out);
}

Status CountAggregate::Deserialize(std::string_view* in, uint8_t* state) const {
  uint8_t version;
  if (!AggregateStateCodec::GetU8(in, &version) || version != kCountStateVersion ||
      !AggregateStateCodec::GetI64(in, &Count(state))) {
    return Status::DataError("COUNT state is truncated or of an unknown version");
  }
  return Status::Ok();
}

}  // namespace sluice::expr
