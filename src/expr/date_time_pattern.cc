#include "expr/date_time_pattern.h"

#include <fmt/format.h>

#include <cstring>

#include "common/civil_time.h"

namespace sluice::expr {
namespace {

bool IsField(char c) { return std::strchr("yMdHmsS", c) != nullptr && c != 0; }

}  // namespace

DateTimePattern::DateTimePattern(std::string_view p) {
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (IsField(c)) {
      size_t j = i;
      while (j < p.size() && p[j] == c) ++j;
      tokens_.push_back({c, static_cast<int>(j - i), {}});
      i = j;
    } else if (c == '\'') {
      size_t j = p.find('\'', i + 1);
      if (j == std::string_view::npos) j = p.size();
      std::string lit(p.substr(i + 1, j - i - 1));
      if (j == i + 1) lit = "'";
      tokens_.push_back({0, 0, lit});
      i = j + 1;
    } else {
      tokens_.push_back({0, 0, std::string(1, c)});
      ++i;
    }
  }
}

void DateTimePattern::Format(int64_t millis, std::string* out) const {
  int64_t days = FloorDiv(millis, kMillisPerDay);
  int64_t ms = millis - days * kMillisPerDay;
  std::string date = FormatDate(days);  // yyyy-MM-dd
  int64_t year = std::stoll(date.substr(0, date.size() - 6));
  int month = std::stoi(date.substr(date.size() - 5, 2));
  int day = std::stoi(date.substr(date.size() - 2));
  for (const Token& t : tokens_) {
    int64_t v = 0;
    switch (t.letter) {
      case 0:
        out->append(t.literal);
        continue;
      case 'y':
        v = t.count == 2 ? year % 100 : year;
        break;
      case 'M':
        v = month;
        break;
      case 'd':
        v = day;
        break;
      case 'H':
        v = ms / 3'600'000;
        break;
      case 'm':
        v = ms / 60'000 % 60;
        break;
      case 's':
        v = ms / 1000 % 60;
        break;
      case 'S': {
        std::string frac = fmt::format("{:03}", ms % 1000);
        frac.resize(static_cast<size_t>(t.count), '0');
        out->append(t.count < 3 ? frac.substr(0, t.count) : frac);
        continue;
      }
    }
    fmt::format_to(std::back_inserter(*out), "{:0{}}", v, t.count);
  }
}

std::optional<int64_t> DateTimePattern::Parse(std::string_view s) const {
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, milli = 0;
  size_t pos = 0;
  for (size_t k = 0; k < tokens_.size(); ++k) {
    const Token& t = tokens_[k];
    if (t.letter == 0) {
      if (s.substr(pos, t.literal.size()) != t.literal) return std::nullopt;
      pos += t.literal.size();
      continue;
    }
    // A field followed directly by another field reads exactly `count` digits.
    bool fixed = k + 1 < tokens_.size() && tokens_[k + 1].letter != 0;
    size_t max_digits = fixed ? static_cast<size_t>(t.count) : (t.letter == 'y' ? 9 : 9);
    int64_t v = 0;
    size_t digits = 0;
    while (pos < s.size() && digits < max_digits && s[pos] >= '0' && s[pos] <= '9') {
      v = v * 10 + (s[pos++] - '0');
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    switch (t.letter) {
      case 'y':
        year = t.count == 2 && digits <= 2 ? 2000 + v : v;
        break;
      case 'M':
        month = v;
        break;
      case 'd':
        day = v;
        break;
      case 'H':
        hour = v;
        break;
      case 'm':
        minute = v;
        break;
      case 's':
        second = v;
        break;
      case 'S':
        milli = v;
        for (size_t d = digits; d < 3; ++d) milli *= 10;
        for (size_t d = 3; d < digits; ++d) milli /= 10;
        break;
    }
  }
  if (pos != s.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * kMillisPerDay + ((hour * 60 + minute) * 60 + second) * 1000 + milli;
}

}  // namespace sluice::expr
