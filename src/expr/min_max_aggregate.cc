#include "expr/min_max_aggregate.h"

#include <map>
#include <memory>
#include <new>

#include "expr/aggregate_state_codec.h"

namespace sluice::expr {
namespace {

constexpr uint8_t kMinMaxStateVersion = 1;
constexpr uint8_t kRetractableVersion = 2;

// The values of a retractable MIN/MAX with their multiplicities; one map is used, by the
// argument's physical type (BOOLEAN as 0/1 in `ints`).
struct Multiset {
  std::map<int64_t, int64_t> ints;
  std::map<double, int64_t> doubles;
  std::map<std::string, int64_t, std::less<>> strings;
};

struct MinMaxState {
  int64_t has = 0;
  int64_t int_value = 0;  // integers, DECIMAL, DATE, TIMESTAMP, INTERVAL, BOOLEAN (0/1)
  double double_value = 0;
  std::string* string_value = nullptr;  // owned
  Multiset* multiset = nullptr;         // owned; retractable mode only
};

// Adds `delta` occurrences of `key` to `map`; false when a removal finds none.
template <typename Map, typename Key>
bool AddCount(Map& map, const Key& key, int64_t delta) {
  auto it = map.find(key);
  if (it == map.end()) {
    if (delta < 0) return false;
    map.emplace(Key(key), delta);
    return true;
  }
  it->second += delta;
  if (it->second <= 0) map.erase(it);
  return true;
}

MinMaxState& AsMinMaxState(uint8_t* state) {
  return *std::launder(reinterpret_cast<MinMaxState*>(state));
}
const MinMaxState& AsMinMaxState(const uint8_t* state) {
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

MinMaxAggregate::MinMaxAggregate(bool is_max, LogicalType type, bool retractable)
    : is_max_(is_max),
      type_(type.WithNullable(true)),
      physical_(type.physical()),
      retractable_(retractable) {}

size_t MinMaxAggregate::state_size() const { return sizeof(MinMaxState); }

void MinMaxAggregate::Init(uint8_t* state) const { new (state) MinMaxState(); }

void MinMaxAggregate::Destroy(uint8_t* state) const {
  MinMaxState& s = AsMinMaxState(state);
  std::unique_ptr<std::string> owned(s.string_value);
  std::unique_ptr<Multiset> owned_multiset(s.multiset);
  s.string_value = nullptr;
  s.multiset = nullptr;
}

void MinMaxAggregate::Update(uint8_t* state, const Column* arg, size_t row) const {
  if (arg->IsNull(row)) return;
  MinMaxState& s = AsMinMaxState(state);
  if (retractable_) {
    (void)Count(state, arg, row, 1);
    return;
  }
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
    case PhysicalType::kNested:  // never: ResolveAggregate refuses nested types
    case PhysicalType::kString:
      OfferString(is_max_, s, arg->strings()[row]);
      break;
  }
  s.has = 1;
}

void MinMaxAggregate::UpdateBatch(uint8_t* const* states, const Column* arg, const uint32_t* rows,
                                  size_t n) const {
  if (physical_ != PhysicalType::kInt64 || arg->has_nulls() || retractable_) {
    for (size_t i = 0; i < n; ++i) Update(states[i], arg, rows[i]);
    return;
  }
  const int64_t* v = arg->ints().data();
  for (size_t i = 0; i < n; ++i) {
    MinMaxState& s = AsMinMaxState(states[i]);
    int64_t x = v[rows[i]];
    if (!s.has || Better(is_max_, x, s.int_value)) s.int_value = x;
    s.has = 1;
  }
}

Status MinMaxAggregate::Retract(uint8_t* state, const Column* arg, size_t row) const {
  if (!retractable_) {
    return Status::Unsupported(std::string(is_max_ ? "MAX" : "MIN") +
                               " was built for insert-only input but is asked to retract");
  }
  if (arg->IsNull(row)) return Status::Ok();
  // A value never added (an inconsistent changelog, e.g. an update of a row deleted before) is
  // ignored: the other rows' extreme stays.
  (void)Count(state, arg, row, -1);
  return Status::Ok();
}

bool MinMaxAggregate::Count(uint8_t* state, const Column* arg, size_t row, int64_t delta) const {
  MinMaxState& s = AsMinMaxState(state);
  if (s.multiset == nullptr) s.multiset = std::make_unique<Multiset>().release();
  Multiset& m = *s.multiset;
  bool ok = false;
  switch (physical_) {
    case PhysicalType::kInt64:
      ok = AddCount(m.ints, arg->ints()[row], delta);
      break;
    case PhysicalType::kBool:
      ok = AddCount(m.ints, int64_t{arg->bools()[row]}, delta);
      break;
    case PhysicalType::kDouble:
      ok = AddCount(m.doubles, arg->doubles()[row], delta);
      break;
    case PhysicalType::kNested:  // never: ResolveAggregate refuses nested types
    case PhysicalType::kString:
      ok = AddCount(m.strings, arg->strings()[row], delta);
      break;
  }
  TakeExtreme(state);
  return ok;
}

void MinMaxAggregate::TakeExtreme(uint8_t* state) const {
  MinMaxState& s = AsMinMaxState(state);
  const Multiset& m = *s.multiset;
  s.has = 0;
  switch (physical_) {
    case PhysicalType::kInt64:
    case PhysicalType::kBool:
      if (m.ints.empty()) return;
      s.int_value = is_max_ ? m.ints.rbegin()->first : m.ints.begin()->first;
      break;
    case PhysicalType::kDouble:
      if (m.doubles.empty()) return;
      s.double_value = is_max_ ? m.doubles.rbegin()->first : m.doubles.begin()->first;
      break;
    case PhysicalType::kNested:  // never: ResolveAggregate refuses nested types
    case PhysicalType::kString:
      if (m.strings.empty()) return;
      if (s.string_value == nullptr) s.string_value = std::make_unique<std::string>().release();
      *s.string_value = is_max_ ? m.strings.rbegin()->first : m.strings.begin()->first;
      break;
  }
  s.has = 1;
}

void MinMaxAggregate::Merge(uint8_t* state, const uint8_t* other) const {
  const MinMaxState& o = AsMinMaxState(other);
  if (!o.has) return;
  MinMaxState& s = AsMinMaxState(state);
  if (retractable_ && o.multiset != nullptr) {
    if (s.multiset == nullptr) s.multiset = std::make_unique<Multiset>().release();
    for (const auto& [v, n] : o.multiset->ints) AddCount(s.multiset->ints, v, n);
    for (const auto& [v, n] : o.multiset->doubles) AddCount(s.multiset->doubles, v, n);
    for (const auto& [v, n] : o.multiset->strings) AddCount(s.multiset->strings, v, n);
    TakeExtreme(state);
    return;
  }
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
    case PhysicalType::kNested:  // never: ResolveAggregate refuses nested types
    case PhysicalType::kString:
      OfferString(is_max_, s, *o.string_value);
      break;
  }
  s.has = 1;
}

void MinMaxAggregate::Finalize(const uint8_t* state, Column* out) const {
  const MinMaxState& s = AsMinMaxState(state);
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
    case PhysicalType::kNested:  // never: ResolveAggregate refuses nested types
    case PhysicalType::kString:
      out->AppendString(*s.string_value);
      break;
  }
}

void MinMaxAggregate::Serialize(const uint8_t* state, std::string* out) const {
  const MinMaxState& s = AsMinMaxState(state);
  if (retractable_) {
    SerializeMultiset(state, out);
    return;
  }
  AggregateStateCodec::PutU8(kMinMaxStateVersion, out);
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
    case PhysicalType::kNested:  // never: ResolveAggregate refuses nested types
    case PhysicalType::kString:
      AggregateStateCodec::PutString(*s.string_value, out);
      break;
  }
}

void MinMaxAggregate::SerializeMultiset(const uint8_t* state, std::string* out) const {
  const Multiset empty;
  const MinMaxState& s = AsMinMaxState(state);
  const Multiset& m = s.multiset != nullptr ? *s.multiset : empty;
  AggregateStateCodec::PutU8(kRetractableVersion, out);
  AggregateStateCodec::PutI64(
      static_cast<int64_t>(m.ints.size() + m.doubles.size() + m.strings.size()), out);
  for (const auto& [v, n] : m.ints) {
    AggregateStateCodec::PutI64(v, out);
    AggregateStateCodec::PutI64(n, out);
  }
  for (const auto& [v, n] : m.doubles) {
    AggregateStateCodec::PutDouble(v, out);
    AggregateStateCodec::PutI64(n, out);
  }
  for (const auto& [v, n] : m.strings) {
    AggregateStateCodec::PutString(v, out);
    AggregateStateCodec::PutI64(n, out);
  }
}

bool MinMaxAggregate::DeserializeMultiset(std::string_view* in, uint8_t* state) const {
  MinMaxState& s = AsMinMaxState(state);
  if (s.multiset == nullptr) s.multiset = std::make_unique<Multiset>().release();
  int64_t entries = 0;
  if (!AggregateStateCodec::GetI64(in, &entries) || entries < 0) return false;
  for (int64_t e = 0; e < entries; ++e) {
    int64_t i = 0, n = 0;
    double d = 0;
    std::string text;
    bool ok = false;
    switch (physical_) {
      case PhysicalType::kInt64:
      case PhysicalType::kBool:
        ok = AggregateStateCodec::GetI64(in, &i) && AggregateStateCodec::GetI64(in, &n) && n > 0 &&
             AddCount(s.multiset->ints, i, n);
        break;
      case PhysicalType::kDouble:
        ok = AggregateStateCodec::GetDouble(in, &d) && AggregateStateCodec::GetI64(in, &n) &&
             n > 0 && AddCount(s.multiset->doubles, d, n);
        break;
      case PhysicalType::kNested:  // never: ResolveAggregate refuses nested types
      case PhysicalType::kString:
        ok = AggregateStateCodec::GetString(in, &text) && AggregateStateCodec::GetI64(in, &n) &&
             n > 0 && AddCount(s.multiset->strings, text, n);
        break;
    }
    if (!ok) return false;
  }
  TakeExtreme(state);
  return true;
}

Status MinMaxAggregate::Deserialize(std::string_view* in, uint8_t* state) const {
  MinMaxState& s = AsMinMaxState(state);
  if (retractable_) {
    uint8_t version = 0;
    if (AggregateStateCodec::GetU8(in, &version) && version == kRetractableVersion &&
        DeserializeMultiset(in, state)) {
      return Status::Ok();
    }
    return Status::DataError(std::string(is_max_ ? "MAX" : "MIN") +
                             " state is truncated or of an unknown version");
  }
  uint8_t version, has;
  bool ok = AggregateStateCodec::GetU8(in, &version) && version == kMinMaxStateVersion &&
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
      case PhysicalType::kNested:  // never: ResolveAggregate refuses nested types
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
