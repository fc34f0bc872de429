#include "common/duration.h"

#include <fmt/format.h>

#include <cctype>
#include <utility>

namespace sluice {

Result<int64_t> ParseDurationMillis(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  size_t digits_begin = i;
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    value = value * 10 + (text[i] - '0');
    if (value > 1'000'000'000'000)
      return Status::InvalidArgument(fmt::format("duration '{}' is too large", text));
    ++i;
  }
  if (i == digits_begin) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not a duration (e.g. '500 ms', '10 s', '1 min')", text));
  }
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::string unit;
  while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) {
    unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
  }
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  static const std::pair<const char*, int64_t> kUnits[] = {{"", 1},
                                                           {"ms", 1},
                                                           {"milli", 1},
                                                           {"millis", 1},
                                                           {"millisecond", 1},
                                                           {"milliseconds", 1},
                                                           {"s", 1000},
                                                           {"sec", 1000},
                                                           {"secs", 1000},
                                                           {"second", 1000},
                                                           {"seconds", 1000},
                                                           {"m", 60'000},
                                                           {"min", 60'000},
                                                           {"mins", 60'000},
                                                           {"minute", 60'000},
                                                           {"minutes", 60'000},
                                                           {"h", 3'600'000},
                                                           {"hour", 3'600'000},
                                                           {"hours", 3'600'000},
                                                           {"d", 86'400'000},
                                                           {"day", 86'400'000},
                                                           {"days", 86'400'000}};
  if (i == text.size()) {
    for (const auto& [name, factor] : kUnits) {
      if (unit == name) return value * factor;
    }
  }
  return Status::InvalidArgument(fmt::format(
      "'{}' is not a duration: unknown unit '{}' (use ms, s, min, h or d)", text, unit));
}

std::string FormatDurationMillis(int64_t ms) {
  if (ms != 0 && ms % 86'400'000 == 0) return fmt::format("{} d", ms / 86'400'000);
  if (ms != 0 && ms % 3'600'000 == 0) return fmt::format("{} h", ms / 3'600'000);
  if (ms != 0 && ms % 60'000 == 0) return fmt::format("{} min", ms / 60'000);
  if (ms != 0 && ms % 1000 == 0) return fmt::format("{} s", ms / 1000);
  return fmt::format("{} ms", ms);
}

}  // namespace sluice
