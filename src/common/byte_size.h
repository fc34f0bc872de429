#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

/// Parses a size as options write them: "1048576", "512 kb", "16MB", "1 g" (units b, k/kb, m/mb,
/// g/gb, powers of 1024, any case). Returns bytes, or kInvalidArgument naming the text.
Result<int64_t> ParseByteSize(std::string_view text);

/// Returns a short text for `bytes` in the largest unit that keeps one decimal, e.g. "256.0 MB",
/// "1.5 GB", "512 B".
std::string FormatByteSize(int64_t bytes);

}  // namespace sluice
