#include "common/byte_size.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace sluice {

Result<int64_t> ParseByteSize(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || value < 0) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not a size (e.g. '16 mb', '1048576')", text));
  }
  std::string unit;
  for (const char* p = end; p != text.data() + text.size(); ++p) {
    if (*p != ' ') unit += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
  }
  int shift = 0;
  if (unit == "k" || unit == "kb") {
    shift = 10;
  } else if (unit == "m" || unit == "mb") {
    shift = 20;
  } else if (unit == "g" || unit == "gb") {
    shift = 30;
  } else if (!unit.empty() && unit != "b" && unit != "bytes") {
    return Status::InvalidArgument(
        fmt::format("'{}': unknown unit '{}' (use b, kb, mb or gb)", text, unit));
  }
  if (value > (INT64_MAX >> shift)) {
    return Status::InvalidArgument(fmt::format("size '{}' is too large", text));
  }
  return value << shift;
}

std::string FormatByteSize(int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < (int64_t{1} << 20)) return fmt::format("{:.1f} KB", bytes / 1024.0);
  if (bytes < (int64_t{1} << 30)) return fmt::format("{:.1f} MB", bytes / 1048576.0);
  return fmt::format("{:.1f} GB", bytes / 1073741824.0);
}

}  // namespace sluice
