#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace sluice {

/// The hashing building blocks shared by CellEquality and the runtime's key tables, so that the
/// two agree on how a cell hashes. Inline: the key tables call them per row.
namespace cell_hash {
/// The hash of a NULL cell.
inline constexpr uint64_t kNull = 0x5bd1e9955bd1e995ULL;

/// Returns `h` with its bits mixed (the 64-bit finaliser of MurmurHash3).
inline uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/// Returns the hash of a sequence `h` extended by `v` (order matters).
inline uint64_t Combine(uint64_t h, uint64_t v) { return (h * 0x9e3779b97f4a7c15ULL) ^ v; }

/// Returns the bit pattern of `d` with -0.0 folded into 0.0 and every NaN into one NaN, so
/// that values SQL calls equal hash equal.
inline int64_t DoubleBits(double d) {
  if (d == 0.0) return 0;
  if (std::isnan(d)) return 0x7ff8000000000000LL;
  return std::bit_cast<int64_t>(d);
}
}  // namespace cell_hash

}  // namespace sluice
