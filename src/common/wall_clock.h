#pragma once

#include <chrono>
#include <cstdint>

namespace sluice {

/// Milliseconds since the Unix epoch by the system clock: timestamps shown to users, published or
/// compared across processes.
inline int64_t WallClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Milliseconds by the monotonic clock: durations and deadlines within one process.
inline int64_t SteadyClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace sluice
