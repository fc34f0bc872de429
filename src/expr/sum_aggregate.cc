#include "expr/sum_aggregate.h"

#include <new>

#include "expr/aggregate_state_codec.h"

namespace sluice::expr {
namespace {

constexpr uint8_t kSumStateVersion = 1;

struct SumState {
  int64_t int_sum = 0;
  double double_sum = 0;
  int64_t count = 0;
};

SumState& AsSumState(uint8_t* state) { return *std::launder(reinterpret_cast<SumState*>(state)); }
const SumState& AsSumState(const uint8_t* state) {
  return *std::launder(reinterpret_cast<const SumState*>(state));
}

// Returns num / den rounded HALF_UP (away from zero on ties); den > 0.
int64_t DivideSumHalfUp(__int128 num, int64_t den) {
  __int128 q = num / den;
  __int128 r = num % den;
  if (r < 0) r = -r;
  if (2 * r >= den) q += num < 0 ? -1 : 1;
  return static_cast<int64_t>(q);
}

}  // namespace

SumAggregate::SumAggregate(bool average, LogicalType arg_type, LogicalType result_type)
    : average_(average),
      floating_(arg_type.physical() == PhysicalType::kDouble),
      arg_type_(arg_type),
      result_type_(result_type) {}

size_t SumAggregate::state_size() const { return sizeof(SumState); }

void SumAggregate::Init(uint8_t* state) const { new (state) SumState(); }

void SumAggregate::Update(uint8_t* state, const Column* arg, size_t row) const {
  if (arg->IsNull(row)) return;
  SumState& s = AsSumState(state);
  if (floating_)
    s.double_sum += arg->doubles()[row];
  else
    s.int_sum += arg->ints()[row];
  ++s.count;
}

void SumAggregate::UpdateBatch(uint8_t* const* states, const Column* arg, const uint32_t* rows,
                               size_t n) const {
  const bool nulls = arg->has_nulls();
  if (floating_) {
    const double* v = arg->doubles().data();
    for (size_t i = 0; i < n; ++i) {
      if (nulls && arg->IsNull(rows[i])) continue;
      SumState& s = AsSumState(states[i]);
      s.double_sum += v[rows[i]];
      ++s.count;
    }
    return;
  }
  const int64_t* v = arg->ints().data();
  for (size_t i = 0; i < n; ++i) {
    if (nulls && arg->IsNull(rows[i])) continue;
    SumState& s = AsSumState(states[i]);
    s.int_sum += v[rows[i]];
    ++s.count;
  }
}

Status SumAggregate::Retract(uint8_t* state, const Column* arg, size_t row) const {
  if (arg->IsNull(row)) return Status::Ok();
  SumState& s = AsSumState(state);
  if (floating_)
    s.double_sum -= arg->doubles()[row];
  else
    s.int_sum -= arg->ints()[row];
  --s.count;
  return Status::Ok();
}

void SumAggregate::Merge(uint8_t* state, const uint8_t* other) const {
  SumState& s = AsSumState(state);
  const SumState& o = AsSumState(other);
  s.int_sum += o.int_sum;
  s.double_sum += o.double_sum;
  s.count += o.count;
}

void SumAggregate::Finalize(const uint8_t* state, Column* out) const {
  const SumState& s = AsSumState(state);
  if (s.count <= 0) {
    out->AppendNull();
    return;
  }
  if (average_) {
    FinalizeAverage(state, out);
  } else if (floating_) {
    out->AppendDouble(s.double_sum);
  } else if (result_type_.id == TypeId::kInt) {
    out->AppendInt(static_cast<int32_t>(s.int_sum));  // INT arithmetic wraps, as in Flink
  } else {
    out->AppendInt(s.int_sum);
  }
}

void SumAggregate::FinalizeAverage(const uint8_t* state, Column* out) const {
  const SumState& s = AsSumState(state);
  if (floating_) {
    out->AppendDouble(s.double_sum / static_cast<double>(s.count));
  } else if (result_type_.id == TypeId::kDecimal) {
    __int128 num =
        static_cast<__int128>(s.int_sum) * DecimalScaleFactor(result_type_.scale - arg_type_.scale);
    out->AppendInt(DivideSumHalfUp(num, s.count));
  } else {
    int64_t avg = s.int_sum / s.count;  // truncates toward zero, as Java does
    out->AppendInt(result_type_.id == TypeId::kInt ? static_cast<int32_t>(avg) : avg);
  }
}

void SumAggregate::Serialize(const uint8_t* state, std::string* out) const {
  const SumState& s = AsSumState(state);
  AggregateStateCodec::PutU8(kSumStateVersion, out);
  AggregateStateCodec::PutI64(s.int_sum, out);
  AggregateStateCodec::PutDouble(s.double_sum, out);
  AggregateStateCodec::PutI64(s.count, out);
}

Status SumAggregate::Deserialize(std::string_view* in, uint8_t* state) const {
  SumState& s = AsSumState(state);
  uint8_t version;
  if (!AggregateStateCodec::GetU8(in, &version) || version != kSumStateVersion ||
      !AggregateStateCodec::GetI64(in, &s.int_sum) ||
      !AggregateStateCodec::GetDouble(in, &s.double_sum) ||
      !AggregateStateCodec::GetI64(in, &s.count)) {
    return Status::DataError(std::string(average_ ? "AVG" : "SUM") +
                             " state is truncated or of an unknown version");
  }
  return Status::Ok();
}

}  // namespace sluice::expr
