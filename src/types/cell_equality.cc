#include "types/cell_equality.h"

#include <bit>
#include <cmath>
#include <functional>
#include <string_view>

#include "types/cell_hash.h"

namespace sluice {
namespace {

constexpr uint64_t kNullHash = cell_hash::kNull;
using cell_hash::Combine;
using cell_hash::DoubleBits;
using cell_hash::Mix;

bool ElementsEqual(const Column& a, size_t i, const Column& b, size_t j) {
  const uint32_t n = a.ElementCount(i);
  if (n != b.ElementCount(j)) return false;
  const uint32_t ai = a.offsets()[i], bj = b.offsets()[j];
  for (uint32_t e = 0; e < n; ++e) {
    if (!CellEquality::Equal(a.child(0), ai + e, b.child(0), bj + e)) return false;
  }
  return true;
}

// Every entry of map row i of `a` has an entry with an equal key and value in row j of `b`.
bool EntriesEqual(const Column& a, size_t i, const Column& b, size_t j) {
  if (a.ElementCount(i) != b.ElementCount(j)) return false;
  for (uint32_t x = a.offsets()[i]; x < a.offsets()[i + 1]; ++x) {
    bool found = false;
    for (uint32_t y = b.offsets()[j]; y < b.offsets()[j + 1] && !found; ++y) {
      found = CellEquality::Equal(a.child(0), x, b.child(0), y) &&
              CellEquality::Equal(a.child(1), x, b.child(1), y);
    }
    if (!found) return false;
  }
  return true;
}

bool NestedEqual(const Column& a, size_t i, const Column& b, size_t j) {
  switch (a.type().id) {
    case TypeId::kRow:
      if (a.num_children() != b.num_children()) return false;
      for (size_t c = 0; c < a.num_children(); ++c) {
        if (!CellEquality::Equal(a.child(c), i, b.child(c), j)) return false;
      }
      return true;
    case TypeId::kArray:
      return ElementsEqual(a, i, b, j);
    default:
      return EntriesEqual(a, i, b, j);
  }
}

uint64_t NestedHash(const Column& c, size_t i) {
  uint64_t h = static_cast<uint64_t>(c.type().id);
  if (c.type().id == TypeId::kRow) {
    for (size_t f = 0; f < c.num_children(); ++f) h = Combine(h, CellEquality::Hash(c.child(f), i));
    return Mix(h);
  }
  h = Combine(h, c.ElementCount(i));
  uint64_t entries = 0;  // MAP: a sum, so that entry order does not matter
  for (uint32_t e = c.offsets()[i]; e < c.offsets()[i + 1]; ++e) {
    uint64_t v = CellEquality::Hash(c.child(0), e);
    if (c.type().id == TypeId::kArray) {
      h = Combine(h, v);
    } else {
      entries += Mix(Combine(v, CellEquality::Hash(c.child(1), e)));
    }
  }
  return Mix(h + entries);
}

}  // namespace

bool CellEquality::Equal(const Column& a, size_t i, const Column& b, size_t j) {
  const bool a_null = a.IsNull(i);
  if (a_null != b.IsNull(j)) return false;
  if (a_null) return true;
  switch (a.physical()) {
    case PhysicalType::kBool:
      return a.bools()[i] == b.bools()[j];
    case PhysicalType::kInt64:
      return a.ints()[i] == b.ints()[j];
    case PhysicalType::kDouble:
      return DoubleBits(a.doubles()[i]) == DoubleBits(b.doubles()[j]);
    case PhysicalType::kString:
      return a.strings()[i] == b.strings()[j];
    case PhysicalType::kNested:
      return NestedEqual(a, i, b, j);
  }
  return false;
}

uint64_t CellEquality::Hash(const Column& c, size_t i) {
  if (c.IsNull(i)) return kNullHash;
  switch (c.physical()) {
    case PhysicalType::kBool:
      return Mix(c.bools()[i]);
    case PhysicalType::kInt64:
      return Mix(static_cast<uint64_t>(c.ints()[i]));
    case PhysicalType::kDouble:
      return Mix(static_cast<uint64_t>(DoubleBits(c.doubles()[i])));
    case PhysicalType::kString:
      return std::hash<std::string_view>()(c.strings()[i]);
    case PhysicalType::kNested:
      return NestedHash(c, i);
  }
  return 0;
}

}  // namespace sluice
