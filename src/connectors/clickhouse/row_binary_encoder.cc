#include "connectors/clickhouse/row_binary_encoder.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace sluice::connectors {
namespace {

using Kind = ClickHouseType::Kind;
using Op = RowBinaryEncoder::Op;
using int128 = __int128;

constexpr int64_t kMillisPerDay = 86'400'000;

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

int FloorDiv(int64_t a, int64_t b, int64_t* q) {
  *q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --*q;
  return 0;
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

std::optional<Op> ChooseOp(const LogicalType& s, const ClickHouseType& t) {
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
      plan->factor =
          static_cast<int64_t>(Pow10(t.scale - (s.id == TypeId::kDecimal ? s.scale : 0)));
      break;
    case Op::kDoubleToDecimal:
      plan->factor = static_cast<int64_t>(Pow10(std::min(t.scale, 18)));
      break;
    case Op::kDecimalToFloat32:
    case Op::kDecimalToFloat64:
      plan->factor = DecimalScaleFactor(s.scale);
      break;
    case Op::kMillisToDateTime64:
    case Op::kDateToDateTime64:
      plan->divide = t.precision < 3;
      plan->factor =
          static_cast<int64_t>(Pow10(t.precision < 3 ? 3 - t.precision : t.precision - 3));
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
    encoder.plans_.push_back(std::move(plan));
  }
  return encoder;
}

Status RowBinaryEncoder::Encode(const Batch& batch, std::string* out) const {
  for (size_t row = 0; row < batch.num_rows; ++row) {
    for (const Plan& plan : plans_) {
      RETURN_IF_ERROR(EncodeCell(plan, batch.column(plan.spec.batch_column), row, out));
    }
  }
  return Status::Ok();
}

namespace {

bool AppendRanged(std::string* out, int128 v, Kind kind, int width) {
  auto [lo, hi] = IntegerRange(kind);
  if (v < lo || v > hi) return false;
  AppendInt(out, v, width);
  return true;
}

bool AppendCheckedInt(std::string* out, int128 v, const ClickHouseType& t) {
  return AppendRanged(out, v, t.kind, t.byte_width());
}

bool AppendDecimal(std::string* out, int128 scaled, const ClickHouseType& t) {
  int128 limit = Pow10(t.precision);
  if (scaled >= limit || scaled <= -limit) return false;
  AppendInt(out, scaled, t.byte_width());
  return true;
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
  if (parser.parse(text.data(), text.size()).get_array().get(array) != simdjson::SUCCESS) {
    return false;
  }
  AppendVarUInt(out, array.size());
  for (simdjson::dom::element value : array) {
    if (!AppendJsonElement(out, value, *t.element)) return false;
  }
  return true;
}

}  // namespace

Status RowBinaryEncoder::EncodeCell(const Plan& plan, const Column& column, size_t row,
                                    std::string* out) const {
  const ClickHouseType& t = plan.spec.target;
  if (column.IsNull(row)) {
    if (t.nullable) {
      out->push_back(1);
      return Status::Ok();
    }
    return Status::DataError(fmt::format(
        "NULL in column '{}' cannot be written to ClickHouse column of type {} (table {}); "
        "make the column Nullable or filter the NULLs",
        plan.spec.name, t.spelling, table_));
  }
  if (t.nullable) out->push_back(0);
  bool ok = true;
  int64_t q = 0;
  switch (plan.op) {
    case Op::kBoolToInt:
      AppendInt(out, column.bools()[row], t.byte_width());
      break;
    case Op::kIntToInt:
      ok = AppendCheckedInt(out, column.ints()[row], t);
      break;
    case Op::kIntToFloat32:
      AppendFloat32(out, static_cast<double>(column.ints()[row]));
      break;
    case Op::kIntToFloat64:
      AppendFloat64(out, static_cast<double>(column.ints()[row]));
      break;
    case Op::kDoubleToFloat32:
      AppendFloat32(out, column.doubles()[row]);
      break;
    case Op::kDoubleToFloat64:
      AppendFloat64(out, column.doubles()[row]);
      break;
    case Op::kDecimalToFloat32:
    case Op::kDecimalToFloat64: {
      double v = static_cast<double>(column.ints()[row]) / static_cast<double>(plan.factor);
      plan.op == Op::kDecimalToFloat32 ? AppendFloat32(out, v) : AppendFloat64(out, v);
      break;
    }
    case Op::kIntToDecimal:
      ok = AppendDecimal(out, static_cast<int128>(column.ints()[row]) * plan.factor, t);
      break;
    case Op::kDoubleToDecimal: {
      double v = column.doubles()[row];
      ok = std::isfinite(v) && std::fabs(v) < 1e38;
      if (ok) {
        // Scales in two steps so that scales above 18 stay exact for the integer part.
        int128 scaled = static_cast<int128>(std::llround(v * static_cast<double>(plan.factor)));
        ok = AppendDecimal(out,
                           scaled * static_cast<int128>(Pow10(t.scale - std::min(t.scale, 18))), t);
      }
      break;
    }
    case Op::kString:
      AppendString(out, column.strings()[row]);
      break;
    case Op::kFixedString: {
      std::string_view s = column.strings()[row];
      ok = s.size() <= static_cast<size_t>(t.fixed_size);
      if (ok) AppendFixedString(out, s, t.fixed_size);
      break;
    }
    case Op::kEnum: {
      auto it = plan.enum_values.find(column.strings()[row]);
      ok = it != plan.enum_values.end();
      if (ok) AppendInt(out, it->second, t.kind == Kind::kEnum8 ? 1 : 2);
      break;
    }
    case Op::kUuid: {
      uint64_t high = 0, low = 0;
      ok = ParseUuid(column.strings()[row], &high, &low);
      if (ok) {
        AppendBytes(out, &high, 8);
        AppendBytes(out, &low, 8);
      }
      break;
    }
    case Op::kDateToDate:
      ok = column.ints()[row] >= 0 && column.ints()[row] <= 65535;
      if (ok) AppendInt(out, column.ints()[row], 2);
      break;
    case Op::kDateToDateTime:
      ok = AppendRanged(out, static_cast<int128>(column.ints()[row]) * 86400, Kind::kUInt32, 4);
      break;
    case Op::kMillisToDateTime:
      FloorDiv(column.ints()[row], 1000, &q);
      ok = AppendRanged(out, q, Kind::kUInt32, 4);
      break;
    case Op::kDateToDateTime64:
    case Op::kMillisToDateTime64: {
      int128 millis = column.ints()[row];
      if (plan.op == Op::kDateToDateTime64) millis *= kMillisPerDay;
      int128 ticks = millis * plan.factor;
      if (plan.divide) {
        FloorDiv(static_cast<int64_t>(millis), plan.factor, &q);
        ticks = q;
      }
      ok = AppendRanged(out, ticks, Kind::kInt64, 8);
      break;
    }
    case Op::kJsonArray:
      ok = AppendJsonArray(out, column.strings()[row], t);
      break;
  }
  if (ok) return Status::Ok();
  return Status::DataError(fmt::format(
      "value {} of column '{}' does not fit ClickHouse type {} (table {})",
      column.type().physical() == PhysicalType::kString
          ? fmt::format("'{}'", column.strings()[row].substr(0, 100))
      : column.type().physical() == PhysicalType::kDouble ? fmt::format("{}", column.doubles()[row])
                                                          : fmt::format("{}", column.ints()[row]),
      plan.spec.name, t.spelling, table_));
}

}  // namespace sluice::connectors
