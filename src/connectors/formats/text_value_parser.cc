#include "connectors/formats/text_value_parser.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "common/civil_time.h"

namespace sluice::connectors {
namespace {

constexpr uint64_t kPow10[] = {1ULL,
                               10ULL,
                               100ULL,
                               1000ULL,
                               10000ULL,
                               100000ULL,
                               1000000ULL,
                               10000000ULL,
                               100000000ULL,
                               1000000000ULL,
                               10000000000ULL,
                               100000000000ULL,
                               1000000000000ULL,
                               10000000000000ULL,
                               100000000000000ULL,
                               1000000000000000ULL,
                               10000000000000000ULL,
                               100000000000000000ULL,
                               1000000000000000000ULL};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// The parts of a decimal literal: sign, mantissa digits (with at most one '.') and exponent.
struct DecimalParts {
  bool negative = false;
  std::string_view mantissa;
  int num_digits = 0;
  int frac_digits = 0;
  int64_t exponent = 0;
};

std::optional<DecimalParts> SplitDecimal(std::string_view s) {
  DecimalParts p;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) p.negative = s[i++] == '-';
  size_t begin = i;
  bool dot = false;
  for (; i < s.size(); ++i) {
    if (IsDigit(s[i])) {
      ++p.num_digits;
      if (dot) ++p.frac_digits;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (p.num_digits == 0) return std::nullopt;
  p.mantissa = s.substr(begin, i - begin);
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg_exp = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg_exp = s[i++] == '-';
    size_t exp_begin = i;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (p.exponent < 100000) p.exponent = p.exponent * 10 + (s[i] - '0');
    }
    if (i == exp_begin) return std::nullopt;
    if (neg_exp) p.exponent = -p.exponent;
  }
  if (i != s.size()) return std::nullopt;
  return p;
}

}  // namespace

std::string_view TrimBlanks(std::string_view text) {
  size_t b = 0;
  size_t e = text.size();
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (b < e && blank(text[b])) ++b;
  while (e > b && blank(text[e - 1])) --e;
  return text.substr(b, e - b);
}

std::optional<int64_t> ParseDecimalText(std::string_view text, int precision, int scale) {
  auto parts = SplitDecimal(TrimBlanks(text));
  if (!parts) return std::nullopt;
  if (precision <= 0 || precision > 18) precision = 18;
  const uint64_t limit = kPow10[precision];
  // value = digits * 10^(exponent - frac_digits); unscaled = digits * 10^shift.
  int64_t shift = parts->exponent - parts->frac_digits + scale;
  int64_t kept = parts->num_digits + shift;  // how many leading digits stay before rounding
  uint64_t acc = 0;
  int64_t index = 0;
  int round_digit = 0;
  for (char c : parts->mantissa) {
    if (c == '.') continue;
    if (index < kept) {
      acc = acc * 10 + static_cast<uint64_t>(c - '0');
      if (acc >= limit) return std::nullopt;
    } else if (index == kept) {
      round_digit = c - '0';
    }
    ++index;
  }
  if (round_digit >= 5) ++acc;
  for (int64_t i = 0; i < shift && acc != 0; ++i) {
    acc *= 10;
    if (acc >= limit) return std::nullopt;
  }
  if (acc >= limit) return std::nullopt;
  int64_t v = static_cast<int64_t>(acc);
  return parts->negative ? -v : v;
}

std::optional<int64_t> ParseIntegerText(std::string_view text) {
  text = TrimBlanks(text);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+') return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDoubleText(std::string_view text) {
  text = TrimBlanks(text);
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity" || text == "+Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || !(IsDigit(text[0]) || text[0] == '-' || text[0] == '.')) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<bool> ParseBooleanText(std::string_view text) {
  text = TrimBlanks(text);
  if (EqualsIgnoreCase(text, "true")) return true;
  if (EqualsIgnoreCase(text, "false")) return false;
  return std::nullopt;
}

int64_t TruncateMillis(int64_t millis, int precision) {
  if (precision >= 3 || precision < 0) return millis;
  int64_t unit = static_cast<int64_t>(kPow10[3 - precision]);
  int64_t q = millis / unit;
  if (millis % unit != 0 && millis < 0) --q;
  return q * unit;
}

Status WrongTypeError(std::string_view field, const LogicalType& type, std::string_view raw) {
  std::string excerpt(raw.substr(0, 60));
  if (raw.size() > 60) excerpt += "...";
  return Status::DataError(fmt::format("field '{}': expected {}, got '{}'", field,
                                       type.WithNullable(true).ToString(), excerpt));
}

Status AppendValueFromText(std::string_view text, std::string_view field, Column* column) {
  const LogicalType& type = column->type();
  switch (type.id) {
    case TypeId::kNull:
      column->AppendNull();
      return Status::Ok();
    case TypeId::kBoolean:
      if (auto v = ParseBooleanText(text)) {
        column->AppendBool(*v);
        return Status::Ok();
      }
      break;
    case TypeId::kInt:
      if (auto v = ParseIntegerText(text); v && *v >= std::numeric_limits<int32_t>::min() &&
                                           *v <= std::numeric_limits<int32_t>::max()) {
        column->AppendInt(*v);
        return Status::Ok();
      }
      break;
    case TypeId::kBigInt:
    case TypeId::kInterval:
      if (auto v = ParseIntegerText(text)) {
        column->AppendInt(*v);
        return Status::Ok();
      }
      break;
    case TypeId::kFloat:
    case TypeId::kDouble:
      if (auto v = ParseDoubleText(text)) {
        column->AppendDouble(*v);
        return Status::Ok();
      }
      break;
    case TypeId::kDecimal:
      if (auto v = ParseDecimalText(text, type.precision, type.scale)) {
        column->AppendInt(*v);
        return Status::Ok();
      }
      break;
    case TypeId::kString:
      column->AppendString(text);
      return Status::Ok();
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      auto v = ParseTimestamp(TrimBlanks(text));
      if (!v) v = ParseIntegerText(text);
      if (v) {
        column->AppendInt(TruncateMillis(*v, type.precision));
        return Status::Ok();
      }
      break;
    }
    case TypeId::kDate:
      if (auto v = ParseDate(TrimBlanks(text))) {
        column->AppendInt(*v);
        return Status::Ok();
      }
      break;
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      break;  // text formats have no nested values (the format factory refuses them)
  }
  return WrongTypeError(field, type, text);
}

}  // namespace sluice::connectors
