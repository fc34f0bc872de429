#include "types/cell_text.h"

#include <fmt/format.h>

#include <cmath>

#include "common/civil_time.h"

namespace sluice {

namespace {

// Shortest text that reads back as the same value, with ".0" for whole numbers (as Java prints).
template <typename T>
std::string FormatShortest(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

std::string FormatDouble(double v) { return FormatShortest(v); }
std::string FormatFloat(float v) { return FormatShortest(v); }

std::string FormatDecimal(int64_t unscaled, int scale) {
  if (scale <= 0) return fmt::format("{}", unscaled);
  bool negative = unscaled < 0;
  uint64_t mag = negative ? 0 - static_cast<uint64_t>(unscaled) : static_cast<uint64_t>(unscaled);
  std::string digits = fmt::format("{}", mag);
  if (digits.size() <= static_cast<size_t>(scale)) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  digits.insert(digits.size() - scale, ".");
  return negative ? "-" + digits : digits;
}

namespace {

// ROW as Flink's Row prints a nested row ("+I[1, a]"), ARRAY as "[1, 2]", MAP as "{k=v, ...}".
void AppendNestedText(const Column& column, size_t row, std::string* out) {
  const TypeId id = column.type().id;
  if (id == TypeId::kRow) {
    out->append("+I[");
    for (size_t c = 0; c < column.num_children(); ++c) {
      if (c > 0) out->append(", ");
      AppendCellText(column.child(c), row, out);
    }
    out->push_back(']');
    return;
  }
  out->push_back(id == TypeId::kArray ? '[' : '{');
  for (uint32_t e = column.offsets()[row]; e < column.offsets()[row + 1]; ++e) {
    if (e > column.offsets()[row]) out->append(", ");
    AppendCellText(column.child(0), e, out);
    if (id == TypeId::kMap) {
      out->push_back('=');
      AppendCellText(column.child(1), e, out);
    }
  }
  out->push_back(id == TypeId::kArray ? ']' : '}');
}

}  // namespace

void AppendCellText(const Column& column, size_t row, std::string* out) {
  if (column.IsNull(row)) {
    out->append("null");
    return;
  }
  const LogicalType& t = column.type();
  switch (t.id) {
    case TypeId::kNull:
      out->append("null");
      return;
    case TypeId::kBoolean:
      out->append(column.bools()[row] ? "true" : "false");
      return;
    case TypeId::kFloat:
      out->append(FormatFloat(static_cast<float>(column.doubles()[row])));
      return;
    case TypeId::kDouble:
      out->append(FormatDouble(column.doubles()[row]));
      return;
    case TypeId::kDecimal:
      out->append(FormatDecimal(column.ints()[row], t.scale));
      return;
    case TypeId::kString:
      out->append(column.strings()[row]);
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      out->append(FormatTimestamp(column.ints()[row], t.precision));
      return;
    case TypeId::kDate:
      out->append(FormatDate(column.ints()[row]));
      return;
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kInterval:
      fmt::format_to(std::back_inserter(*out), "{}", column.ints()[row]);
      return;
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      AppendNestedText(column, row, out);
      return;
  }
}

}  // namespace sluice
