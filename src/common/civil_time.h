#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

/// Milliseconds in a day (no leap seconds, as in epoch time).
inline constexpr int64_t kMillisPerDay = 86'400'000;

/// Returns a / b rounded towards negative infinity (b != 0): the day of a negative epoch time.
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/// Returns the number of days from 1970-01-01 to the given proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

/// Formats epoch milliseconds as "yyyy-MM-dd HH:mm:ss" followed by `precision` (0-3) fraction
/// digits, in UTC, as Flink prints TIMESTAMP(p) values.
std::string FormatTimestamp(int64_t millis, int precision = 3);
/// Formats days since the epoch as "yyyy-MM-dd".
std::string FormatDate(int64_t days);

/// Parses "yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]][Z|(+|-)HH[:]mm]" into epoch milliseconds
/// (UTC; an offset, when present, is applied). Returns nullopt when the text is not such a time.
std::optional<int64_t> ParseTimestamp(std::string_view text);
/// Parses "yyyy-MM-dd" into days since the epoch.
std::optional<int64_t> ParseDate(std::string_view text);

}  // namespace sluice
