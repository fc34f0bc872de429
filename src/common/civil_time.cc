#include "common/civil_time.h"

#include <fmt/format.h>

namespace sluice {
namespace {

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

// Reads exactly `n` digits at `pos`, advancing it.
bool ReadDigits(std::string_view s, size_t* pos, int n, int64_t* out) {
  if (*pos + n > s.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool ReadChar(std::string_view s, size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

bool ValidDate(int64_t y, int64_t m, int64_t d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

std::optional<int64_t> ParseDatePrefix(std::string_view s, size_t* pos) {
  int64_t y, m, d;
  if (!ReadDigits(s, pos, 4, &y) || !ReadChar(s, pos, '-') || !ReadDigits(s, pos, 2, &m) ||
      !ReadChar(s, pos, '-') || !ReadDigits(s, pos, 2, &d) || !ValidDate(y, m, d)) {
    return std::nullopt;
  }
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

// Parses an optional zone suffix; returns its offset in milliseconds east of UTC.
std::optional<int64_t> ParseZone(std::string_view s, size_t* pos) {
  if (*pos == s.size()) return 0;
  if (ReadChar(s, pos, 'Z') || ReadChar(s, pos, 'z')) return 0;
  int sign = 0;
  if (ReadChar(s, pos, '+'))
    sign = 1;
  else if (ReadChar(s, pos, '-'))
    sign = -1;
  else
    return std::nullopt;
  int64_t hh, mm = 0;
  if (!ReadDigits(s, pos, 2, &hh)) return std::nullopt;
  if (*pos < s.size()) {
    ReadChar(s, pos, ':');
    if (!ReadDigits(s, pos, 2, &mm)) return std::nullopt;
  }
  if (hh > 18 || mm > 59) return std::nullopt;
  return sign * (hh * 3600 + mm * 60) * 1000;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string FormatTimestamp(int64_t millis, int precision) {
  int64_t days = FloorDiv(millis, kMillisPerDay);
  int64_t ms_of_day = millis - days * kMillisPerDay;
  Civil c = CivilFromDays(days);
  int64_t secs = ms_of_day / 1000;
  std::string out = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day,
                                secs / 3600, (secs / 60) % 60, secs % 60);
  if (precision > 0) {
    std::string frac = fmt::format("{:03}", ms_of_day % 1000);
    out += '.';
    out += frac.substr(0, precision > 3 ? 3 : precision);
    for (int i = 3; i < precision; ++i) out += '0';
  }
  return out;
}

std::string FormatDate(int64_t days) {
  Civil c = CivilFromDays(days);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::optional<int64_t> ParseDate(std::string_view text) {
  size_t pos = 0;
  auto days = ParseDatePrefix(text, &pos);
  if (!days || pos != text.size()) return std::nullopt;
  return days;
}

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  size_t pos = 0;
  auto days = ParseDatePrefix(s, &pos);
  if (!days) return std::nullopt;
  int64_t millis = *days * kMillisPerDay;
  if (pos == s.size()) return millis;
  if (!ReadChar(s, &pos, 'T') && !ReadChar(s, &pos, ' ')) return std::nullopt;
  int64_t hh, mi, ss = 0;
  if (!ReadDigits(s, &pos, 2, &hh) || !ReadChar(s, &pos, ':') || !ReadDigits(s, &pos, 2, &mi)) {
    return std::nullopt;
  }
  if (ReadChar(s, &pos, ':') && !ReadDigits(s, &pos, 2, &ss)) return std::nullopt;
  if (hh > 23 || mi > 59 || ss > 60) return std::nullopt;
  int64_t frac_ms = 0;
  if (ReadChar(s, &pos, '.')) {
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) frac_ms = frac_ms * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) frac_ms *= 10;
  }
  auto zone = ParseZone(s, &pos);
  if (!zone || pos != s.size()) return std::nullopt;
  return millis + ((hh * 60 + mi) * 60 + ss) * 1000 + frac_ms - *zone;
}

}  // namespace sluice
