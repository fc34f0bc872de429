#include "expr/min_max_aggregate.h"

#include <memory>
#include <new>

#include "expr/aggregate_state_codec.h"

namespace sluice::expr {
namespace {

constexpr uint8_t kVersion = 1;

struct MinMaxState {
  int64_t has = 0;
  int64_t int_value = 0;  // integers, DECIMAL, DATE, TIMESTAMP, INTERVAL, BOOLEAN (0/1)
  double double_value = 0;
  std::string* string_value = nullptr;  // owned
};

MinMaxState& State(uint8_t* state) { return *std::launder(reinterpret_cast<MinMaxState*>(state)); }
const MinMaxState& State(const uint8_t* state) {
  return *std::launder(reinterpret_cast<const MinMaxState*>(state));
}

template <typename T>
bool Better(bool is_max, const T& candidate, const T& current) {
  return is_max ? current < candidate : candidate < current;
}

void OfferString(bool is_max, MinMaxState& s, std::string_view v) {
  if (s.has && !Better(is_max, v, std::string_view(*s.string_value))) return;
  if (s.string_value == nullptr) s.string_value = std::make_unique<std::string>().release();
  s.string_value->assign(v);
  s.has = 1;
}

}  // namespace

MinMaxAggregate::MinMaxAggregate(bool is_max, LogicalType type)
    : is_max_(is_max), type_(type.WithNullable(true)), physical_(type.physical()) {}

size_t MinMaxAggregate::state_size() const { return sizeof(MinMaxState); }

void MinMaxAggregate::Init(uint8_t* state) const { new (state) MinMaxState(); }

void MinMaxAggregate::Destroy(uint8_t* state) const {
  MinMaxState& s = State(state);
  std::unique_ptr<std::string> owned(s.string_value);
  s.string_value = nullptr;
}

void MinMaxAggregate::Update(uint8_t* state, const Column* arg, size_t row) const {
  if (arg->IsNull(row)) return;
  MinMaxState& s = State(state);
  switch (physical_) {
    case PhysicalType::kInt64: {
      int64_t v = arg->ints()[row];
      if (!s.has || Better(is_max_, v, s.int_value)) s.int_value = v;
      break;
    }
    case PhysicalType::kBool: {
      int64_t v = arg->bools()[row];
      if (!s.has || Better(is_max_, v, s.int_value)) s.int_value = v;
      break;
    }
    case PhysicalType::kDouble: {
      double v = arg->doubles()[row];
      if (!s.has || Better(is_max_, v, s.double_value)) s.double_value = v;
      break;
    }
    case PhysicalType::kString:
      OfferString(is_max_, s, arg->strings()[row]);
      break;
  }
  s.has = 1;
}

void MinMaxAggregate::UpdateBatch(uint8_t* const* states, const Column* arg, const uint32_t* rows,
                                  size_t n) const {
  if (physical_ != PhysicalType::kInt64 || arg->has_nulls()) {
    for (size_t i = 0; i < n; ++i) Update(states[i], arg, rows[i]);
    return;
  }
  const int64_t* v = arg->ints().data();
  for (size_t i = 0; i < n; ++i) {
    MinMaxState& s = State(states[i]);
    int64_t x = v[rows[i]];
    if (!s.has || Better(is_max_, x, s.int_value)) s.int_value = x;
    s.has = 1;
  }
}

Status MinMaxAggregate::Retract(uint8_t* state, const Column* arg, size_t row) const {
  (void)state;
  (void)arg;
  (void)row;
  return Status::Unsupported(std::string(is_max_ ? "MAX" : "MIN") +
                             " over a changelog (retraction) is not supported yet");
}

void MinMaxAggregate::Merge(uint8_t* state, const uint8_t* other) const {
  const MinMaxState& o = State(other);
  if (!o.has) return;
  MinMaxState& s = State(state);
  switch (physical_) {
    case PhysicalType::kInt64:
    case PhysicalType::kBool:
      if (!s.has || Better(is_max_, o.int_value, s.int_value)) s.int_value = o.int_value;
      break;
    case PhysicalType::kDouble:
      if (!s.has || Better(is_max_, o.double_value, s.double_value)) {
        s.double_value = o.double_value;
      }
      break;
    case PhysicalType::kString:
      OfferString(is_max_, s, *o.string_value);
      break;
  }
  s.has = 1;
}

void MinMaxAggregate::Finalize(const uint8_t* state, Column* out) const {
  const MinMaxState& s = State(state);
  if (!s.has) {
    out->AppendNull();
    return;
  }
  switch (physical_) {
    case PhysicalType::kInt64:
      out->AppendInt(s.int_value);
      break;
    case PhysicalType::kBool:
      out->AppendBool(s.int_value != 0);
      break;
    case PhysicalType::kDouble:
      out->AppendDouble(s.double_value);
      break;
    case PhysicalType::kString:
      out->AppendString(*s.string_value);
      break;
  }
}

void MinMaxAggregate::Serialize(const uint8_t* state, std::string* out) const {
  const MinMaxState& s = State(state);
  AggregateStateCodec::PutU8(kVersion, out);
  AggregateStateCodec::PutU8(s.has ? 1 : 0, out);
  if (!s.has) return;
  switch (physical_) {
    case PhysicalType::kInt64:
    case PhysicalType::kBool:
      AggregateStateCodec::PutI64(s.int_value, out);
      break;
    case PhysicalType::kDouble:
      AggregateStateCodec::PutDouble(s.double_value, out);
      break;
    case PhysicalType::kString:
      AggregateStateCodec::PutString(*s.string_value, out);
      break;
  }
}

Status MinMaxAggregate::Deserialize(std::string_view* in, uint8_t* state) const {
  MinMaxState& s = State(state);
  uint8_t version, has;
  bool ok = AggregateStateCodec::GetU8(in, &version) && version == kVersion &&
            AggregateStateCodec::GetU8(in, &has);
  if (ok && has) {
    switch (physical_) {
      case PhysicalType::kInt64:
      case PhysicalType::kBool:
        ok = AggregateStateCodec::GetI64(in, &s.int_value);
        break;
      case PhysicalType::kDouble:
        ok = AggregateStateCodec::GetDouble(in, &s.double_value);
        break;
      case PhysicalType::kString:
        if (s.string_value == nullptr) s.string_value = std::make_unique<std::string>().release();
        ok = AggregateStateCodec::GetString(in, s.string_value);
        break;
    }
  }
  if (!ok) {
    return Status::DataError(std::string(is_max_ ? "MAX" : "MIN") +
                             " state is truncated or of an unknown version");
  }
  s.has = has;
  return Status::Ok();
}

}  // namespace sluice::expr
