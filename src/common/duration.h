#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

/// Parses a duration as Flink options write them: "500 ms", "5s", "10 s", "1 min", "2 h",
/// "1 d", "3 seconds", "100" (milliseconds). Returns milliseconds, or kInvalidArgument.
Result<int64_t> ParseDurationMillis(std::string_view text);

/// Returns a short text for `millis`, e.g. "10 s", "5 min", "250 ms".
std::string FormatDurationMillis(int64_t millis);

}  // namespace sluice
