#include "expr/count_distinct_aggregate.h"

#include <bit>
#include <memory>
#include <new>
#include <unordered_map>

#include "expr/aggregate_state_codec.h"

namespace sluice::expr {
namespace {

constexpr uint8_t kCountDistinctStateVersion = 1;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// Distinct values with their multiplicities; numbers (and booleans, and doubles by their bits)
// in `numbers`, strings in `strings`.
struct DistinctSet {
  std::unordered_map<int64_t, int64_t> numbers;
  std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>> strings;
};

DistinctSet*& SetPtr(uint8_t* state) {
  return *std::launder(reinterpret_cast<DistinctSet**>(state));
}
const DistinctSet* SetPtr(const uint8_t* state) {
  return *std::launder(reinterpret_cast<DistinctSet* const*>(state));
}

int64_t NumberKey(const Column& c, PhysicalType physical, size_t row) {
  switch (physical) {
    case PhysicalType::kBool:
      return c.bools()[row];
    case PhysicalType::kDouble: {
      double d = c.doubles()[row];
      if (d == 0) d = 0;  // -0.0 and 0.0 are one value
      return std::bit_cast<int64_t>(d);
    }
    default:
      return c.ints()[row];
  }
}

void Add(DistinctSet* set, const Column& c, PhysicalType physical, size_t row, int64_t delta) {
  if (physical == PhysicalType::kString) {
    std::string_view v = c.strings()[row];
    auto it = set->strings.find(v);
    if (it == set->strings.end()) it = set->strings.emplace(std::string(v), 0).first;
    if ((it->second += delta) <= 0) set->strings.erase(it);
    return;
  }
  auto it = set->numbers.try_emplace(NumberKey(c, physical, row), 0).first;
  if ((it->second += delta) <= 0) set->numbers.erase(it);
}

}  // namespace

CountDistinctAggregate::CountDistinctAggregate(LogicalType arg_type)
    : physical_(arg_type.physical()), type_(LogicalType::BigInt().WithNullable(false)) {}

size_t CountDistinctAggregate::state_size() const { return sizeof(DistinctSet*); }

void CountDistinctAggregate::Init(uint8_t* state) const {
  new (state) DistinctSet*(std::make_unique<DistinctSet>().release());
}

void CountDistinctAggregate::Destroy(uint8_t* state) const {
  std::unique_ptr<DistinctSet> owned(SetPtr(state));
  SetPtr(state) = nullptr;
}

void CountDistinctAggregate::Update(uint8_t* state, const Column* arg, size_t row) const {
  if (!arg->IsNull(row)) Add(SetPtr(state), *arg, physical_, row, 1);
}

Status CountDistinctAggregate::Retract(uint8_t* state, const Column* arg, size_t row) const {
  if (!arg->IsNull(row)) Add(SetPtr(state), *arg, physical_, row, -1);
  return Status::Ok();
}

void CountDistinctAggregate::Merge(uint8_t* state, const uint8_t* other) const {
  DistinctSet* s = SetPtr(state);
  const DistinctSet* o = SetPtr(other);
  for (const auto& [k, n] : o->numbers) s->numbers[k] += n;
  for (const auto& [k, n] : o->strings) s->strings[k] += n;
}

void CountDistinctAggregate::Finalize(const uint8_t* state, Column* out) const {
  const DistinctSet* s = SetPtr(state);
  out->AppendInt(static_cast<int64_t>(s->numbers.size() + s->strings.size()));
}

void CountDistinctAggregate::Serialize(const uint8_t* state, std::string* out) const {
  const DistinctSet* s = SetPtr(state);
  AggregateStateCodec::PutU8(kCountDistinctStateVersion, out);
  AggregateStateCodec::PutI64(static_cast<int64_t>(s->numbers.size()), out);
  for (const auto& [k, n] : s->numbers) {
    AggregateStateCodec::PutI64(k, out);
    AggregateStateCodec::PutI64(n, out);
  }
  AggregateStateCodec::PutI64(static_cast<int64_t>(s->strings.size()), out);
  for (const auto& [k, n] : s->strings) {
    AggregateStateCodec::PutString(k, out);
    AggregateStateCodec::PutI64(n, out);
  }
}

Status CountDistinctAggregate::Deserialize(std::string_view* in, uint8_t* state) const {
  const Status bad =
      Status::DataError("COUNT DISTINCT state is truncated or of an unknown version");
  DistinctSet* s = SetPtr(state);
  s->numbers.clear();
  s->strings.clear();
  uint8_t version;
  int64_t count;
  if (!AggregateStateCodec::GetU8(in, &version) || version != kCountDistinctStateVersion ||
      !AggregateStateCodec::GetI64(in, &count)) {
    return bad;
  }
  for (int64_t i = 0; i < count; ++i) {
    int64_t k, n;
    if (!AggregateStateCodec::GetI64(in, &k) || !AggregateStateCodec::GetI64(in, &n)) return bad;
    s->numbers[k] = n;
  }
  if (!AggregateStateCodec::GetI64(in, &count)) return bad;
  for (int64_t i = 0; i < count; ++i) {
    std::string k;
    int64_t n;
    if (!AggregateStateCodec::GetString(in, &k) || !AggregateStateCodec::GetI64(in, &n)) {
      return bad;
    }
    s->strings[std::move(k)] = n;
  }
  return Status::Ok();
}

}  // namespace sluice::expr
