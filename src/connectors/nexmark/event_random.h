#pragma once

#include <cstdint>

namespace sluice::connectors {

/// A counter-based random stream for one value of one Nexmark event: seeded by (seed, event
/// number, stream), so every value is a pure function of those three. Any event can be
/// regenerated alone, and a table that reads only some columns (or only bids) sees exactly the
/// values a full generation would. SplitMix64 steps; not cryptographic.
class EventRandom {
 public:
  EventRandom(uint64_t seed, int64_t event, uint64_t stream)
      : state_(Mix(seed ^ Mix(static_cast<uint64_t>(event) * 0xd1b54a32d192ed03ull +
                              stream * 0x9e3779b97f4a7c15ull))) {}

  /// Returns the next 64 random bits.
  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ull;
    return Mix(state_);
  }
  /// Returns a uniform integer in [0, n) for n >= 1.
  int64_t Below(int64_t n) {
    return static_cast<int64_t>(
        (static_cast<unsigned __int128>(Next()) * static_cast<uint64_t>(n)) >> 64);
  }
  /// Returns a uniform double in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  uint64_t state_;
};

}  // namespace sluice::connectors
