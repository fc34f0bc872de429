#include "connectors/clickhouse/row_binary_encoder.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "common/civil_time.h"
#include "connectors/formats/json_encoder.h"

namespace sluice::connectors {
namespace {

using Kind = ClickHouseType::Kind;
using Op = RowBinaryEncoder::Op;
using int128 = __int128;

int128 Pow10(int n) {
  int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// Returns the range of an integer kind as [min, max].
std::pair<int128, int128> IntegerRange(Kind kind) {
  switch (kind) {
    case Kind::kInt8:
      return {-128, 127};
    case Kind::kInt16:
      return {-32768, 32767};
    case Kind::kInt32:
      return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    case Kind::kInt64:
      return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
    case Kind::kUInt8:
      return {0, 255};
    case Kind::kUInt16:
      return {0, 65535};
    case Kind::kUInt32:
      return {0, std::numeric_limits<uint32_t>::max()};
    default:
      return {0, std::numeric_limits<uint64_t>::max()};
  }
}

void AppendBytes(std::string* out, const void* p, size_t n) {
  out->append(static_cast<const char*>(p), n);
}

// Appends the low `width` bytes of `v`, little-endian (x86 byte order is little-endian).
void AppendInt(std::string* out, int128 v, int width) { AppendBytes(out, &v, width); }

void AppendVarUInt(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void AppendString(std::string* out, std::string_view s) {
  AppendVarUInt(out, s.size());
  out->append(s);
}

bool IsIntegerSource(TypeId id) { return id == TypeId::kInt || id == TypeId::kBigInt; }

std::optional<Op> ChooseNumericOp(const LogicalType& s, const ClickHouseType& t) {
  bool is_float32 = t.kind == Kind::kFloat32, is_float64 = t.kind == Kind::kFloat64;
  if (s.id == TypeId::kBoolean && t.is_integer()) return Op::kBoolToInt;
  if (IsIntegerSource(s.id) || s.id == TypeId::kInterval) {
    if (t.is_integer()) return Op::kIntToInt;  // values outside the target's range: kDataError
    if (is_float32) return Op::kIntToFloat32;
    if (is_float64) return Op::kIntToFloat64;
    int digits = s.id == TypeId::kInt ? 10 : 19;
    if (t.kind == Kind::kDecimal && t.precision - t.scale >= digits) return Op::kIntToDecimal;
    return std::nullopt;
  }
  if (s.id == TypeId::kFloat || s.id == TypeId::kDouble) {
    if (is_float32) return Op::kDoubleToFloat32;
    if (is_float64) return Op::kDoubleToFloat64;
    if (t.kind == Kind::kDecimal) return Op::kDoubleToDecimal;
    return std::nullopt;
  }
  if (s.id == TypeId::kDecimal) {
    if (is_float32) return Op::kDecimalToFloat32;
    if (is_float64) return Op::kDecimalToFloat64;
    if (t.kind == Kind::kDecimal && t.scale >= s.scale &&
        t.precision - t.scale >= s.precision - s.scale) {
      return Op::kIntToDecimal;
    }
  }
  return std::nullopt;
}

bool IsScalarArrayElement(const ClickHouseType& e) {
  return e.is_integer() || e.kind == Kind::kFloat32 || e.kind == Kind::kFloat64 ||
         e.kind == Kind::kString || e.kind == Kind::kFixedString;
}

bool CanEncodeNested(const LogicalType& s, const ClickHouseType& t);

std::optional<Op> ChooseOp(const LogicalType& s, const ClickHouseType& t) {
  if (s.is_nested()) {
    if (t.kind == Kind::kString) return Op::kNestedJson;
    if (CanEncodeNested(s, t)) return Op::kNested;
    return std::nullopt;
  }
  switch (s.id) {
    case TypeId::kString:
      switch (t.kind) {
        case Kind::kString:
          return Op::kString;
        case Kind::kFixedString:
          return Op::kFixedString;
        case Kind::kEnum8:
        case Kind::kEnum16:
          return Op::kEnum;
        case Kind::kUUID:
          return Op::kUuid;
        case Kind::kArray:
          if (IsScalarArrayElement(*t.element)) return Op::kJsonArray;
          return std::nullopt;
        default:
          return std::nullopt;
      }
    case TypeId::kDate:
      if (t.kind == Kind::kDate) return Op::kDateToDate;
      if (t.kind == Kind::kDateTime) return Op::kDateToDateTime;
      if (t.kind == Kind::kDateTime64) return Op::kDateToDateTime64;
      return std::nullopt;
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      if (t.kind == Kind::kDateTime) return Op::kMillisToDateTime;
      if (t.kind == Kind::kDateTime64) return Op::kMillisToDateTime64;
      return std::nullopt;
    default:
      return ChooseNumericOp(s, t);
  }
}

void SetFactor(RowBinaryEncoder::Plan* plan) {
  const LogicalType& s = plan->spec.source;
  const ClickHouseType& t = plan->spec.target;
  switch (plan->op) {
    case Op::kIntToDecimal:
      plan->factor = Pow10(t.scale - (s.id == TypeId::kDecimal ? s.scale : 0));
      break;
    case Op::kDoubleToDecimal:
      plan->factor = Pow10(std::min(t.scale, 18));
      break;
    case Op::kDecimalToFloat32:
    case Op::kDecimalToFloat64:
      plan->factor = DecimalScaleFactor(s.scale);
      break;
    case Op::kMillisToDateTime64:
    case Op::kDateToDateTime64:
      plan->divide = t.precision < 3;
      plan->factor = Pow10(t.precision < 3 ? 3 - t.precision : t.precision - 3);
      break;
    case Op::kEnum:
      for (const auto& [name, value] : t.enum_values) plan->enum_values.emplace(name, value);
      break;
    default:
      break;
  }
}

// Parses a UUID in its text form (8-4-4-4-12 hex digits, or 32 hex digits) into two halves.
bool ParseUuid(std::string_view s, uint64_t* high, uint64_t* low) {
  uint64_t parts[2] = {0, 0};
  int digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '-' && (i == 8 || i == 13 || i == 18 || i == 23) && s.size() == 36) continue;
    int v = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (v < 0 || digits >= 32) return false;
    parts[digits / 16] = (parts[digits / 16] << 4) | static_cast<uint64_t>(v);
    ++digits;
  }
  *high = parts[0];
  *low = parts[1];
  return digits == 32;
}

std::string DescribeSource(const LogicalType& t) { return t.WithNullable(true).ToString(); }

bool AppendRanged(std::string* out, int128 v, Kind kind, int width) {
  auto [lo, hi] = IntegerRange(kind);
  if (v < lo || v > hi) return false;
  AppendInt(out, v, width);
  return true;
}

bool AppendCheckedInt(std::string* out, int128 v, const ClickHouseType& t) {
  return AppendRanged(out, v, t.kind, t.byte_width());
}

void AppendFixedString(std::string* out, std::string_view s, int size) {
  out->append(s);
  out->append(static_cast<size_t>(size) - s.size(), '\0');
}

void AppendFloat32(std::string* out, double v) {
  float f = static_cast<float>(v);
  AppendBytes(out, &f, 4);
}

void AppendFloat64(std::string* out, double v) { AppendBytes(out, &v, 8); }

// Appends one element of a JSON array as ClickHouse type `e`; returns false when it does not fit.
bool AppendJsonElement(std::string* out, simdjson::dom::element value, const ClickHouseType& e) {
  if (value.is_null()) {
    if (!e.nullable) return false;
    out->push_back(1);
    return true;
  }
  if (e.nullable) out->push_back(0);
  if (e.is_integer()) {
    int64_t i;
    uint64_t u;
    if (value.get_int64().get(i) == simdjson::SUCCESS) return AppendCheckedInt(out, i, e);
    if (value.get_uint64().get(u) == simdjson::SUCCESS) return AppendCheckedInt(out, u, e);
    return false;
  }
  if (e.kind == Kind::kFloat32 || e.kind == Kind::kFloat64) {
    double d;
    if (value.get_double().get(d) != simdjson::SUCCESS) return false;
    e.kind == Kind::kFloat32 ? AppendFloat32(out, d) : AppendFloat64(out, d);
    return true;
  }
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  if (e.kind == Kind::kString) {
    AppendString(out, s);
    return true;
  }
  if (s.size() > static_cast<size_t>(e.fixed_size)) return false;
  AppendFixedString(out, s, e.fixed_size);
  return true;
}

bool AppendJsonArray(std::string* out, std::string_view text, const ClickHouseType& t) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (text.empty()) return false;  // not an array; simdjson must not copy from a null pointer
  if (parser.parse(text.data(), text.size()).get_array().get(array) != simdjson::SUCCESS) {
    return false;
  }
  AppendVarUInt(out, array.size());
  for (simdjson::dom::element value : array) {
    if (!AppendJsonElement(out, value, *t.element)) return false;
  }
  return true;
}

// ---- ROW, ARRAY and MAP values -----------------------------------------------------------

// Whether a scalar inside a nested value converts to element type `t`.
bool IsNestedLeaf(const LogicalType& s, const ClickHouseType& t) {
  const bool is_float = t.kind == Kind::kFloat32 || t.kind == Kind::kFloat64;
  switch (s.id) {
    case TypeId::kBoolean:
    case TypeId::kInt:
    case TypeId::kBigInt:
      return t.is_integer() || is_float;
    case TypeId::kFloat:
    case TypeId::kDouble:
      return is_float;
    case TypeId::kString:
      return t.kind == Kind::kString;
    case TypeId::kDate:
      return t.kind == Kind::kDate;
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      return t.kind == Kind::kDateTime || t.kind == Kind::kDateTime64;
    default:
      return false;
  }
}

bool CanEncodeNested(const LogicalType& s, const ClickHouseType& t) {
  switch (s.id) {
    case TypeId::kRow:
      if (t.kind != Kind::kTuple || t.elements.size() != s.num_children()) return false;
      for (size_t i = 0; i < s.num_children(); ++i) {
        if (!CanEncodeNested(s.child(i), *t.elements[i])) return false;
      }
      return true;
    case TypeId::kArray:
      return t.kind == Kind::kArray && CanEncodeNested(s.child(0), *t.element);
    case TypeId::kMap:
      return t.kind == Kind::kMap && CanEncodeNested(s.child(0), *t.elements[0]) &&
             CanEncodeNested(s.child(1), *t.elements[1]);
    default:
      return IsNestedLeaf(s, t);
  }
}

// Appends the default value of `t` (for a NULL where `t` is not Nullable).
void AppendDefault(std::string* out, const ClickHouseType& t) {
  if (t.nullable) {
    out->push_back(1);
    return;
  }
  switch (t.kind) {
    case Kind::kTuple:
      for (const auto& e : t.elements) AppendDefault(out, *e);
      return;
    case Kind::kArray:
    case Kind::kMap:
    case Kind::kString:
      AppendVarUInt(out, 0);
      return;
    default:
      out->append(static_cast<size_t>(t.byte_width()), '\0');
  }
}

// Appends a non-NULL scalar of a nested value (IsNestedLeaf holds); false when it does not fit.
bool AppendNestedLeaf(std::string* out, const Column& c, size_t row, const ClickHouseType& t) {
  const TypeId id = c.type().id;
  if (t.kind == Kind::kFloat32 || t.kind == Kind::kFloat64) {
    const double d = c.physical() == PhysicalType::kDouble ? c.doubles()[row]
                     : c.physical() == PhysicalType::kBool ? c.bools()[row]
                                                           : static_cast<double>(c.ints()[row]);
    t.kind == Kind::kFloat32 ? AppendFloat32(out, d) : AppendFloat64(out, d);
    return true;
  }
  if (id == TypeId::kString) {
    AppendString(out, c.strings()[row]);
    return true;
  }
  if (id == TypeId::kBoolean) return AppendCheckedInt(out, c.bools()[row], t);
  const int64_t v = c.ints()[row];
  if (t.kind == Kind::kDate) return AppendRanged(out, v, Kind::kUInt16, 2);
  if (t.kind == Kind::kDateTime) {
    return AppendRanged(out, FloorDiv(v, 1000), Kind::kUInt32, 4);
  }
  if (t.kind == Kind::kDateTime64) {
    if (t.precision < 3) {
      int64_t scaled = FloorDiv(v, static_cast<int64_t>(Pow10(3 - t.precision)));
      return AppendRanged(out, scaled, Kind::kInt64, 8);
    }
    return AppendRanged(out, static_cast<int128>(v) * Pow10(t.precision - 3), Kind::kInt64, 8);
  }
  return AppendCheckedInt(out, v, t);
}

// Appends row `row` of `c` as ClickHouse type `t` (CanEncodeNested holds).
bool AppendNestedValue(std::string* out, const Column& c, size_t row, const ClickHouseType& t) {
  const bool null = c.IsNull(row);
  if (t.nullable) {
    out->push_back(null ? 1 : 0);
    if (null) return true;
  } else if (null && c.type().id != TypeId::kRow) {  // a NULL ROW: a tuple of its NULL fields
    AppendDefault(out, t);
    return true;
  }
  switch (c.type().id) {
    case TypeId::kRow:
      for (size_t f = 0; f < c.num_children(); ++f) {
        if (!AppendNestedValue(out, c.child(f), row, *t.elements[f])) return false;
      }
      return true;
    case TypeId::kArray:
    case TypeId::kMap: {
      AppendVarUInt(out, c.ElementCount(row));
      const bool map = c.type().id == TypeId::kMap;
      for (uint32_t e = c.offsets()[row]; e < c.offsets()[row + 1]; ++e) {
        if (!AppendNestedValue(out, c.child(0), e, map ? *t.elements[0] : *t.element)) return false;
        if (map && !AppendNestedValue(out, c.child(1), e, *t.elements[1])) return false;
      }
      return true;
    }
    default:
      return AppendNestedLeaf(out, c, row, t);
  }
}

// ---- Column-at-a-time encoding -------------------------------------------------------------

using Plan = RowBinaryEncoder::Plan;

// Writes one non-NULL value of row `row` at `dst` (plan.width bytes); false when it does not fit.
using PutFn = bool (*)(const Plan& plan, const Column& column, size_t row, char* dst);

template <PutFn Put>
size_t EncodeFixedColumn(const Plan& plan, const Column& column, size_t rows, char* base,
                         size_t* cursors) {
  const size_t width = static_cast<size_t>(plan.width);
  if (!plan.spec.target.nullable) {  // Encode has checked that there is no NULL
    for (size_t r = 0; r < rows; ++r) {
      if (!Put(plan, column, r, base + cursors[r])) return r;
      cursors[r] += width;
    }
    return RowBinaryEncoder::kAllFit;
  }
  const char null_flag = plan.spec.target.null_flag();
  const char value_flag = plan.spec.target.value_flag();
  for (size_t r = 0; r < rows; ++r) {
    char* dst = base + cursors[r];
    if (column.IsNull(r)) {
      *dst = null_flag;
      cursors[r] += 1;
      continue;
    }
    *dst = value_flag;
    if (!Put(plan, column, r, dst + 1)) return r;
    cursors[r] += 1 + width;
  }
  return RowBinaryEncoder::kAllFit;
}

size_t VarUIntSize(uint64_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

char* WriteVarUInt(char* dst, uint64_t v) {
  while (v >= 0x80) {
    *dst++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *dst++ = static_cast<char>(v);
  return dst;
}

size_t EncodeStringColumn(const Plan& plan, const Column& column, size_t rows, char* base,
                          size_t* cursors) {
  const bool nullable = plan.spec.target.nullable;
  const std::vector<std::string_view>& strings = column.strings();
  for (size_t r = 0; r < rows; ++r) {
    char* dst = base + cursors[r];
    if (nullable) {
      *dst = column.IsNull(r) ? 1 : 0;
      if (*dst++ == 1) {
        cursors[r] += 1;
        continue;
      }
    }
    std::string_view s = strings[r];
    dst = WriteVarUInt(dst, s.size());
    if (!s.empty()) std::memcpy(dst, s.data(), s.size());  // an empty view may have no data
    cursors[r] = static_cast<size_t>(dst - base) + s.size();
  }
  return RowBinaryEncoder::kAllFit;
}

template <typename T>
void Store(char* dst, T v) {
  std::memcpy(dst, &v, sizeof(T));
}

bool PutBool(const Plan& plan, const Column& column, size_t row, char* dst) {
  std::memset(dst, 0, static_cast<size_t>(plan.width));
  dst[0] = static_cast<char>(column.bools()[row]);
  return true;
}

// The low W bytes of a value in [plan.min, plan.max] (x86 is little-endian).
template <int W>
bool PutInt(const Plan& plan, const Column& column, size_t row, char* dst) {
  int64_t v = column.ints()[row];
  if (v < plan.min || v > plan.max) return false;
  std::memcpy(dst, &v, W);
  return true;
}

bool PutIntToFloat32(const Plan&, const Column& column, size_t row, char* dst) {
  Store(dst, static_cast<float>(static_cast<double>(column.ints()[row])));
  return true;
}

bool PutIntToFloat64(const Plan&, const Column& column, size_t row, char* dst) {
  Store(dst, static_cast<double>(column.ints()[row]));
  return true;
}

bool PutDoubleToFloat32(const Plan&, const Column& column, size_t row, char* dst) {
  Store(dst, static_cast<float>(column.doubles()[row]));
  return true;
}

bool PutDoubleToFloat64(const Plan&, const Column& column, size_t row, char* dst) {
  Store(dst, column.doubles()[row]);
  return true;
}

template <typename F>
bool PutDecimalToFloat(const Plan& plan, const Column& column, size_t row, char* dst) {
  double v = static_cast<double>(column.ints()[row]) / static_cast<double>(plan.factor);
  Store(dst, static_cast<F>(v));
  return true;
}

bool PutScaledDecimal(const Plan& plan, int128 scaled, char* dst) {
  if (scaled >= plan.decimal_limit || scaled <= -plan.decimal_limit) return false;
  std::memcpy(dst, &scaled, static_cast<size_t>(plan.width));
  return true;
}

bool PutIntToDecimal(const Plan& plan, const Column& column, size_t row, char* dst) {
  int128 scaled = 0;  // a DECIMAL value beyond its declared precision may overflow
  if (__builtin_mul_overflow(static_cast<int128>(column.ints()[row]), plan.factor, &scaled)) {
    return false;
  }
  return PutScaledDecimal(plan, scaled, dst);
}

bool PutDoubleToDecimal(const Plan& plan, const Column& column, size_t row, char* dst) {
  // Scales in two steps so that scales above 18 stay exact for the integer part. Every Decimal
  // holds less than 10^38 in magnitude: a larger value does not fit, and is checked before any
  // conversion to an integer could overflow.
  const int extra_digits = plan.spec.target.scale - std::min(plan.spec.target.scale, 18);
  const double scaled = std::round(column.doubles()[row] * static_cast<double>(plan.factor));
  if (!(std::fabs(scaled) < 1e38 / std::pow(10.0, extra_digits))) return false;  // also NaN
  return PutScaledDecimal(plan, static_cast<int128>(scaled) * Pow10(extra_digits), dst);
}

bool PutFixedString(const Plan& plan, const Column& column, size_t row, char* dst) {
  std::string_view s = column.strings()[row];
  const size_t size = static_cast<size_t>(plan.width);
  if (s.size() > size) return false;
  if (!s.empty()) std::memcpy(dst, s.data(), s.size());  // an empty view may have no data
  std::memset(dst + s.size(), 0, size - s.size());
  return true;
}

bool PutEnum(const Plan& plan, const Column& column, size_t row, char* dst) {
  auto it = plan.enum_values.find(column.strings()[row]);
  if (it == plan.enum_values.end()) return false;
  plan.width == 1 ? Store(dst, static_cast<int8_t>(it->second))
                  : Store(dst, static_cast<int16_t>(it->second));
  return true;
}

bool PutUuid(const Plan&, const Column& column, size_t row, char* dst) {
  uint64_t high = 0, low = 0;
  if (!ParseUuid(column.strings()[row], &high, &low)) return false;
  Store(dst, high);
  Store(dst + 8, low);
  return true;
}

bool PutDateToDate(const Plan&, const Column& column, size_t row, char* dst) {
  int64_t days = column.ints()[row];
  if (days < 0 || days > 65535) return false;
  Store(dst, static_cast<uint16_t>(days));
  return true;
}

bool PutSeconds(int64_t seconds, char* dst) {
  if (seconds < 0 || seconds > std::numeric_limits<uint32_t>::max()) return false;
  Store(dst, static_cast<uint32_t>(seconds));
  return true;
}

bool PutDateToDateTime(const Plan&, const Column& column, size_t row, char* dst) {
  int64_t days = column.ints()[row];
  // Beyond this range the product could overflow; it is outside UInt32 seconds anyway.
  if (days < 0 || days > (int64_t{1} << 32)) return false;
  return PutSeconds(days * 86400, dst);
}

bool PutMillisToDateTime(const Plan&, const Column& column, size_t row, char* dst) {
  return PutSeconds(FloorDiv(column.ints()[row], 1000), dst);
}

bool PutDateTime64(const Plan& plan, const Column& column, size_t row, char* dst) {
  int128 millis = column.ints()[row];
  if (plan.op == Op::kDateToDateTime64) millis *= kMillisPerDay;
  int128 ticks = millis * plan.factor;
  if (plan.divide) {  // rounded down, in 128 bits: a day count's milliseconds may pass int64
    ticks = millis / plan.factor;
    if (millis % plan.factor != 0 && millis < 0) --ticks;
  }
  if (ticks < std::numeric_limits<int64_t>::min() || ticks > std::numeric_limits<int64_t>::max()) {
    return false;
  }
  Store(dst, static_cast<int64_t>(ticks));
  return true;
}

RowBinaryEncoder::ColumnFn ChooseIntColumnFn(int width) {
  switch (width) {
    case 1:
      return EncodeFixedColumn<PutInt<1>>;
    case 2:
      return EncodeFixedColumn<PutInt<2>>;
    case 4:
      return EncodeFixedColumn<PutInt<4>>;
    default:
      return EncodeFixedColumn<PutInt<8>>;
  }
}

RowBinaryEncoder::ColumnFn ChooseColumnFn(const Plan& plan) {
  switch (plan.op) {
    case Op::kBoolToInt:
      return EncodeFixedColumn<PutBool>;
    case Op::kIntToInt:
      return ChooseIntColumnFn(plan.width);
    case Op::kIntToFloat32:
      return EncodeFixedColumn<PutIntToFloat32>;
    case Op::kIntToFloat64:
      return EncodeFixedColumn<PutIntToFloat64>;
    case Op::kDoubleToFloat32:
      return EncodeFixedColumn<PutDoubleToFloat32>;
    case Op::kDoubleToFloat64:
      return EncodeFixedColumn<PutDoubleToFloat64>;
    case Op::kDecimalToFloat32:
      return EncodeFixedColumn<PutDecimalToFloat<float>>;
    case Op::kDecimalToFloat64:
      return EncodeFixedColumn<PutDecimalToFloat<double>>;
    case Op::kIntToDecimal:
      return EncodeFixedColumn<PutIntToDecimal>;
    case Op::kDoubleToDecimal:
      return EncodeFixedColumn<PutDoubleToDecimal>;
    case Op::kString:
      return EncodeStringColumn;
    case Op::kFixedString:
      return EncodeFixedColumn<PutFixedString>;
    case Op::kEnum:
      return EncodeFixedColumn<PutEnum>;
    case Op::kUuid:
      return EncodeFixedColumn<PutUuid>;
    case Op::kDateToDate:
      return EncodeFixedColumn<PutDateToDate>;
    case Op::kDateToDateTime:
      return EncodeFixedColumn<PutDateToDateTime>;
    case Op::kMillisToDateTime:
      return EncodeFixedColumn<PutMillisToDateTime>;
    case Op::kDateToDateTime64:
    case Op::kMillisToDateTime64:
      return EncodeFixedColumn<PutDateTime64>;
    case Op::kJsonArray:
    case Op::kNested:
    case Op::kNestedJson:
      return nullptr;
  }
  return nullptr;
}

// Sets the value width, integer range and decimal limit of `plan` and chooses its column loop.
void SetLayout(Plan* plan) {
  const ClickHouseType& t = plan->spec.target;
  const bool variable = plan->op == Op::kString || plan->op == Op::kJsonArray ||
                        plan->op == Op::kNested || plan->op == Op::kNestedJson;
  plan->width = variable                       ? 0
                : plan->op == Op::kFixedString ? t.fixed_size
                : plan->op == Op::kUuid        ? 16
                                               : t.byte_width();
  if (t.is_integer()) {
    auto [lo, hi] = IntegerRange(t.kind);
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    plan->min = lo < kMin ? kMin : static_cast<int64_t>(lo);
    plan->max = hi > kMax ? kMax : static_cast<int64_t>(hi);
  }
  if (t.kind == Kind::kDecimal) plan->decimal_limit = Pow10(t.precision);
  plan->encode = ChooseColumnFn(*plan);
}

}  // namespace

Result<RowBinaryEncoder> RowBinaryEncoder::Create(std::vector<ColumnSpec> columns,
                                                  std::string table) {
  RowBinaryEncoder encoder;
  encoder.table_ = std::move(table);
  for (ColumnSpec& spec : columns) {
    std::optional<Op> op = ChooseOp(spec.source, spec.target);
    if (!op) {
      return Status::PlanError(fmt::format(
          "column '{}' of type {} cannot be written to column '{}' of type {} in ClickHouse "
          "table {}",
          spec.name, DescribeSource(spec.source), spec.name, spec.target.spelling, encoder.table_));
    }
    Plan plan;
    plan.spec = std::move(spec);
    plan.op = *op;
    SetFactor(&plan);
    SetLayout(&plan);
    if (plan.width > 0) {
      encoder.fixed_row_bytes_ += static_cast<size_t>(plan.width) + plan.spec.target.nullable;
    }
    encoder.plans_.push_back(std::move(plan));
  }
  encoder.pieces_.resize(encoder.plans_.size());
  encoder.piece_starts_.resize(encoder.plans_.size());
  return encoder;
}

Status RowBinaryEncoder::Encode(const Batch& batch, std::string* out) const {
  const size_t rows = batch.num_rows;
  if (rows == 0) return Status::Ok();
  // Pass 1: every row's size, then each row's start.
  cursors_.assign(rows, fixed_row_bytes_);
  for (size_t i = 0; i < plans_.size(); ++i) {
    RETURN_IF_ERROR(
        AddVariableSizes(i, batch.column(plans_[i].spec.batch_column), rows, cursors_.data()));
  }
  size_t total = 0;
  for (size_t r = 0; r < rows; ++r) {
    size_t size = cursors_[r];
    cursors_[r] = total;
    total += size;
  }
  // Pass 2: one column after another, each value at its row's cursor.
  const size_t before = out->size();
  out->resize(before + total);
  char* base = out->data() + before;
  for (size_t i = 0; i < plans_.size(); ++i) {
    const Plan& plan = plans_[i];
    const Column& column = batch.column(plan.spec.batch_column);
    if (plan.encode == nullptr) {  // pre-encoded in pass 1
      const std::vector<size_t>& starts = piece_starts_[i];
      for (size_t r = 0; r < rows; ++r) {
        size_t size = starts[r + 1] - starts[r];
        std::memcpy(base + cursors_[r], pieces_[i].data() + starts[r], size);
        cursors_[r] += size;
      }
      continue;
    }
    size_t bad = plan.encode(plan, column, rows, base, cursors_.data());
    if (bad != kAllFit) return ValueError(plan, column, bad);
  }
  return Status::Ok();
}

Status RowBinaryEncoder::AddVariableSizes(size_t index, const Column& column, size_t rows,
                                          size_t* sizes) const {
  const Plan& plan = plans_[index];
  const bool nullable = plan.spec.target.nullable;
  const bool nulls = column.has_nulls();
  if (nulls && !nullable && plan.op != Op::kNested) return NullError(plan);
  if (plan.op == Op::kString) {
    const std::vector<std::string_view>& strings = column.strings();
    for (size_t r = 0; r < rows; ++r) {
      if (nulls && column.IsNull(r)) {
        sizes[r] += 1;
        continue;
      }
      sizes[r] += nullable + VarUIntSize(strings[r].size()) + strings[r].size();
    }
  } else if (plan.op == Op::kJsonArray) {
    std::string& pieces = pieces_[index];
    std::vector<size_t>& starts = piece_starts_[index];
    pieces.clear();
    starts.assign(1, 0);
    for (size_t r = 0; r < rows; ++r) {
      if (nullable) pieces.push_back(column.IsNull(r) ? 1 : 0);
      if ((!nullable || !column.IsNull(r)) &&
          !AppendJsonArray(&pieces, column.strings()[r], plan.spec.target)) {
        return ValueError(plan, column, r);
      }
      starts.push_back(pieces.size());
      sizes[r] += starts[r + 1] - starts[r];
    }
  } else if (plan.op == Op::kNested || plan.op == Op::kNestedJson) {
    std::string& pieces = pieces_[index];
    std::vector<size_t>& starts = piece_starts_[index];
    pieces.clear();
    starts.assign(1, 0);
    std::string json;
    for (size_t r = 0; r < rows; ++r) {
      if (plan.op == Op::kNested) {
        if (!AppendNestedValue(&pieces, column, r, plan.spec.target)) {
          return NestedValueError(plan, column, r);
        }
      } else {
        if (nullable) pieces.push_back(column.IsNull(r) ? 1 : 0);
        if (!column.IsNull(r)) {
          json.clear();
          JsonEncoder::AppendValue(column, r, &json);
          AppendString(&pieces, json);
        }
      }
      starts.push_back(pieces.size());
      sizes[r] += starts[r + 1] - starts[r];
    }
  } else if (nulls) {  // a NULL takes its flag byte only
    for (size_t r = 0; r < rows; ++r) {
      if (column.IsNull(r)) sizes[r] -= static_cast<size_t>(plan.width);
    }
  }
  return Status::Ok();
}

Status RowBinaryEncoder::NullError(const Plan& plan) const {
  return Status::DataError(fmt::format(
      "NULL in column '{}' cannot be written to ClickHouse column of type {} (table {}); "
      "make the column Nullable or filter the NULLs",
      plan.spec.name, plan.spec.target.spelling, table_));
}

Status RowBinaryEncoder::NestedValueError(const Plan& plan, const Column& column,
                                          size_t row) const {
  std::string json;
  JsonEncoder::AppendValue(column, row, &json);
  return Status::DataError(
      fmt::format("value {} of column '{}' does not fit ClickHouse type {} "
                  "(table {})",
                  json.substr(0, 200), plan.spec.name, plan.spec.target.spelling, table_));
}

Status RowBinaryEncoder::ValueError(const Plan& plan, const Column& column, size_t row) const {
  return Status::DataError(fmt::format(
      "value {} of column '{}' does not fit ClickHouse type {} (table {})",
      column.type().physical() == PhysicalType::kString
          ? fmt::format("'{}'", column.strings()[row].substr(0, 100))
      : column.type().physical() == PhysicalType::kDouble ? fmt::format("{}", column.doubles()[row])
                                                          : fmt::format("{}", column.ints()[row]),
      plan.spec.name, plan.spec.target.spelling, table_));
}

}  // namespace sluice::connectors
