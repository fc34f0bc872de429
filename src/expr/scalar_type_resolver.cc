#include "expr/scalar_type_resolver.h"

#include <fmt/format.h>

#include <algorithm>

#include "expr/json_functions.h"
#include "expr/nested_access.h"
#include "expr/nested_constructor.h"
#include "sql/type_coercion.h"

namespace sluice::expr {
namespace {

constexpr int kMaxPrecision = 18;

bool AnyNullable(const std::vector<LogicalType>& args) {
  return std::any_of(args.begin(), args.end(), [](const LogicalType& t) { return t.nullable; });
}

bool IsNull(const LogicalType& t) { return t.id == TypeId::kNull; }
bool IsString(const LogicalType& t) { return t.id == TypeId::kString || IsNull(t); }
bool IsNumeric(const LogicalType& t) { return t.is_numeric() || IsNull(t); }
bool IsInteger(const LogicalType& t) { return t.is_integer() || IsNull(t); }
bool IsBool(const LogicalType& t) { return t.id == TypeId::kBoolean || IsNull(t); }
bool IsTime(const LogicalType& t) { return t.is_timestamp() || t.id == TypeId::kDate; }

std::string TypeList(const std::vector<LogicalType>& args) {
  std::string s;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) s += ", ";
    s += args[i].WithNullable(true).ToString();
  }
  return s;
}

Status Mismatch(const std::string& name, const std::vector<LogicalType>& args,
                const std::string& expected) {
  return Status::PlanError(
      fmt::format("cannot apply {} to ({}); expected {}", name, TypeList(args), expected));
}

LogicalType Nullable(LogicalType t, bool nullable) { return t.WithNullable(nullable); }

// DECIMAL view of an exact numeric: INT is DECIMAL(10, 0), BIGINT DECIMAL(18, 0) here.
LogicalType AsDecimal(const LogicalType& t) {
  if (t.id == TypeId::kDecimal) return t;
  return LogicalType::Decimal(t.id == TypeId::kInt ? 10 : kMaxPrecision, 0);
}

// Fits (precision, scale) into 18 digits, keeping at least min(scale, 6) fraction digits.
LogicalType AdjustDecimal(int precision, int scale) {
  if (precision <= kMaxPrecision) return LogicalType::Decimal(std::max(precision, 1), scale);
  int int_digits = precision - scale;
  int min_scale = std::min(scale, 6);
  scale = std::max(kMaxPrecision - int_digits, min_scale);
  return LogicalType::Decimal(kMaxPrecision, std::min(scale, kMaxPrecision));
}

LogicalType DecimalArithmetic(const std::string& op, const LogicalType& a0, const LogicalType& b0) {
  LogicalType a = AsDecimal(a0), b = AsDecimal(b0);
  int p1 = a.precision, s1 = a.scale, p2 = b.precision, s2 = b.scale;
  if (op == "+" || op == "-") {
    int scale = std::max(s1, s2);
    int precision = std::max(p1 - s1, p2 - s2) + scale + 1;
    return LogicalType::Decimal(std::min(precision, kMaxPrecision), scale);
  }
  if (op == "*") {
    int scale = std::min(s1 + s2, kMaxPrecision);
    return LogicalType::Decimal(std::min(p1 + p2 + 1, kMaxPrecision), scale);
  }
  if (op == "/") {
    int scale = std::max(6, s1 + p2 + 1);
    return AdjustDecimal(p1 - s1 + s2 + scale, scale);
  }
  int scale = std::max(s1, s2);  // "%"
  return LogicalType::Decimal(std::min(std::min(p1 - s1, p2 - s2) + scale, kMaxPrecision), scale);
}

Result<LogicalType> ResolveTemporalArithmetic(const std::string& name,
                                              const std::vector<LogicalType>& args) {
  const LogicalType &a = args[0], &b = args[1];
  bool nullable = AnyNullable(args);
  if (a.id == TypeId::kInterval && b.id == TypeId::kInterval && (name == "+" || name == "-")) {
    return Nullable(LogicalType::Interval(), nullable);
  }
  if (IsTime(a) && b.id == TypeId::kInterval && (name == "+" || name == "-")) {
    return Nullable(a, nullable);
  }
  if (a.id == TypeId::kInterval && IsTime(b) && name == "+") return Nullable(b, nullable);
  return Mismatch(name, args,
                  fmt::format("<TIMESTAMP> {0} <INTERVAL>, <INTERVAL> {0} <INTERVAL> or "
                              "<numeric> {0} <numeric>",
                              name));
}

Result<LogicalType> ResolveArithmetic(const std::string& name,
                                      const std::vector<LogicalType>& args) {
  if (args.size() != 2) return Mismatch(name, args, fmt::format("<numeric> {} <numeric>", name));
  const LogicalType &a = args[0], &b = args[1];
  if (!IsNumeric(a) || !IsNumeric(b)) return ResolveTemporalArithmetic(name, args);
  bool nullable = AnyNullable(args);
  auto is_float = [](const LogicalType& t) {
    return t.id == TypeId::kDouble || t.id == TypeId::kFloat;
  };
  if (is_float(a) || is_float(b)) return Nullable(LogicalType::Double(), nullable);
  if (a.id == TypeId::kDecimal || b.id == TypeId::kDecimal) {
    LogicalType x = IsNull(a) ? b : a, y = IsNull(b) ? a : b;
    return Nullable(DecimalArithmetic(name, x, y), nullable);
  }
  if (name == "%" && !IsNull(b)) return Nullable(LogicalType{b.id}, nullable);  // as MOD
  if (a.id == TypeId::kBigInt || b.id == TypeId::kBigInt) {
    return Nullable(LogicalType::BigInt(), nullable);
  }
  return Nullable(LogicalType::Int(), nullable);
}

bool Comparable(const LogicalType& a, const LogicalType& b) {
  if (a.is_nested() || b.is_nested()) return false;  // see EqualityComparable
  if (IsNull(a) || IsNull(b)) return true;
  if (a.is_numeric() && b.is_numeric()) return true;
  if (IsTime(a) && IsTime(b)) return true;
  return a.id == b.id && a.id != TypeId::kNull;
}

// = <> and IS [NOT] DISTINCT FROM also compare nested values of a common type.
bool EqualityComparable(const LogicalType& a, const LogicalType& b) {
  if (!a.is_nested() && !b.is_nested()) return Comparable(a, b);
  return sql::TypeCoercion::CommonType(a, b).has_value();
}

Result<LogicalType> ResolveComparison(const std::string& name,
                                      const std::vector<LogicalType>& args) {
  const bool equality = name == "=" || name == "<>";
  if (args.size() == 2 && equality && EqualityComparable(args[0], args[1])) {
    return Nullable(LogicalType::Boolean(), AnyNullable(args));
  }
  if (args.size() != 2 || !Comparable(args[0], args[1])) {
    return Mismatch(name, args,
                    fmt::format("two comparable operands: <numeric> {0} <numeric>, <STRING> {0} "
                                "<STRING>, <TIMESTAMP> {0} <TIMESTAMP> or <BOOLEAN> {0} <BOOLEAN>",
                                name));
  }
  return Nullable(LogicalType::Boolean(), AnyNullable(args));
}

Result<LogicalType> ResolveDistinctFrom(const std::string& name,
                                        const std::vector<LogicalType>& args) {
  if (args.size() != 2 || !EqualityComparable(args[0], args[1])) {
    return Mismatch(name, args, "two values of a common type");
  }
  return LogicalType::Boolean().WithNullable(false);
}

Result<LogicalType> CommonOf(const std::string& name, const std::vector<LogicalType>& types,
                             const std::string& expected) {
  LogicalType common = LogicalType::Null();
  for (const LogicalType& t : types) {
    auto c = sql::TypeCoercion::CommonType(common, t);
    if (!c) return Mismatch(name, types, expected);
    common = *c;
  }
  if (common.id == TypeId::kFloat) common = LogicalType::Double().WithNullable(common.nullable);
  return common;
}

Result<LogicalType> ResolveConditional(const std::string& name,
                                       const std::vector<LogicalType>& args) {
  if (name == "CASE") {
    const std::string sig = "CASE(<BOOLEAN>, <value>, ..., <else value>) with one common type";
    if (args.size() < 3 || args.size() % 2 == 0) return Mismatch(name, args, sig);
    std::vector<LogicalType> values;
    for (size_t i = 0; i + 1 < args.size(); i += 2) {
      if (!IsBool(args[i])) return Mismatch(name, args, sig);
      values.push_back(args[i + 1]);
    }
    values.push_back(args.back());
    return CommonOf(name, values, sig);
  }
  if (name == "IF") {
    const std::string sig = "IF(<BOOLEAN>, <value>, <value>) with one common type";
    if (args.size() != 3 || !IsBool(args[0])) return Mismatch(name, args, sig);
    return CommonOf(name, {args[1], args[2]}, sig);
  }
  if (name == "NULLIF") {
    const std::string sig = "NULLIF(<value>, <value>) of a common type";
    if (args.size() != 2 || !EqualityComparable(args[0], args[1])) {
      return Mismatch(name, args, sig);
    }
    return args[0].WithNullable(true);
  }
  const std::string sig = "COALESCE(<value>, ...) with one common type";  // COALESCE
  if (args.empty()) return Mismatch(name, args, sig);
  ASSIGN_OR_RETURN(LogicalType t, CommonOf(name, args, sig));
  bool all_nullable =
      std::all_of(args.begin(), args.end(), [](const LogicalType& a) { return a.nullable; });
  return t.WithNullable(all_nullable);
}

Result<LogicalType> ResolveLogic(const std::string& name, const std::vector<LogicalType>& args) {
  if (name == "IS_NULL" || name == "IS_NOT_NULL") {
    if (args.size() != 1) return Mismatch(name, args, name + "(<value>)");
    return LogicalType::Boolean().WithNullable(false);
  }
  size_t arity = name == "NOT" ? 1 : 2;
  bool ok = args.size() == arity && std::all_of(args.begin(), args.end(), IsBool);
  if (!ok) {
    return Mismatch(name, args,
                    arity == 1 ? "NOT <BOOLEAN>" : fmt::format("<BOOLEAN> {} <BOOLEAN>", name));
  }
  return Nullable(LogicalType::Boolean(), AnyNullable(args));
}

Result<LogicalType> ResolveMath(const std::string& name, const std::vector<LogicalType>& args) {
  bool nullable = AnyNullable(args);
  if (name == "MOD") {
    if (args.size() != 2 || !IsInteger(args[0]) || !IsInteger(args[1])) {
      if (args.size() == 2 && IsNumeric(args[0]) && IsNumeric(args[1])) {
        return ResolveArithmetic("%", args);
      }
      return Mismatch(name, args, "MOD(<numeric>, <numeric>)");
    }
    return ResolveArithmetic("%", args);
  }
  if (name == "POWER") {
    if (args.size() != 2 || !IsNumeric(args[0]) || !IsNumeric(args[1])) {
      return Mismatch(name, args, "POWER(<numeric>, <numeric>)");
    }
    return Nullable(LogicalType::Double(), nullable);
  }
  if (name == "ROUND") {
    if (args.empty() || args.size() > 2 || !IsNumeric(args[0]) ||
        (args.size() == 2 && !IsInteger(args[1]))) {
      return Mismatch(name, args, "ROUND(<numeric>[, <INT>])");
    }
  } else if (args.size() != 1 || !IsNumeric(args[0])) {
    return Mismatch(name, args, name + "(<numeric>)");
  }
  LogicalType t = IsNull(args[0]) ? LogicalType::Int() : args[0];
  if (t.id == TypeId::kFloat) t = LogicalType::Double();
  if ((name == "FLOOR" || name == "CEIL") && t.id == TypeId::kDecimal) {
    t = LogicalType::Decimal(std::min(kMaxPrecision, t.precision - t.scale + 1), 0);
  }
  return Nullable(t, nullable);
}

Result<LogicalType> ResolveString(const std::string& name, const std::vector<LogicalType>& args) {
  bool nullable = AnyNullable(args);
  if (name == "CONCAT") {
    if (args.empty() || !std::all_of(args.begin(), args.end(), IsString)) {
      return Mismatch(name, args, "CONCAT(<STRING>, ...)");
    }
    return Nullable(LogicalType::String(), nullable);
  }
  if (name == "SUBSTRING") {
    if (args.size() < 2 || args.size() > 3 || !IsString(args[0]) || !IsInteger(args[1]) ||
        (args.size() == 3 && !IsInteger(args[2]))) {
      return Mismatch(name, args, "SUBSTRING(<STRING>, <INT>[, <INT>])");
    }
    return Nullable(LogicalType::String(), nullable);
  }
  if (name == "LIKE") {
    if (args.size() != 2 || !IsString(args[0]) || !IsString(args[1])) {
      return Mismatch(name, args, "<STRING> LIKE <STRING>");
    }
    return Nullable(LogicalType::Boolean(), nullable);
  }
  if (name == "REGEXP_EXTRACT") {
    if (args.size() < 2 || args.size() > 3 || !IsString(args[0]) || !IsString(args[1]) ||
        (args.size() == 3 && !IsInteger(args[2]))) {
      return Mismatch(name, args, "REGEXP_EXTRACT(<STRING>, <STRING>[, <INT>])");
    }
    return LogicalType::String();
  }
  if (name == "JSON_VALUE") {
    if (args.size() != 2 || !IsString(args[0]) || !IsString(args[1])) {
      return Mismatch(name, args, "JSON_VALUE(<STRING>, <STRING path>)");
    }
    return LogicalType::String();
  }
  if (name == "TRIM") {
    // [mode ('BOTH', 'LEADING' or 'TRAILING'), characters to remove, string], as parsed.
    if (args.size() != 3 || !std::all_of(args.begin(), args.end(), IsString)) {
      return Mismatch(name, args, "TRIM([BOTH | LEADING | TRAILING] [<STRING> FROM] <STRING>)");
    }
    return Nullable(LogicalType::String(), nullable);
  }
  if (name == "REPLACE") {
    if (args.size() != 3 || !IsString(args[0]) || !IsString(args[1]) || !IsString(args[2])) {
      return Mismatch(name, args, "REPLACE(<STRING>, <STRING search>, <STRING replacement>)");
    }
    return Nullable(LogicalType::String(), nullable);
  }
  if (args.size() != 1 || !IsString(args[0])) return Mismatch(name, args, name + "(<STRING>)");
  if (name == "CHAR_LENGTH") return Nullable(LogicalType::Int(), nullable);
  return Nullable(LogicalType::String(), nullable);  // LOWER, UPPER
}

Result<LogicalType> ResolveTime(const std::string& name, const std::vector<LogicalType>& args) {
  bool nullable = AnyNullable(args);
  auto fmt_ok = [&](size_t i) { return args.size() <= i || IsString(args[i]); };
  if (name == "CURRENT_TIMESTAMP" || name == "NOW" || name == "PROCTIME" ||
      name == "LOCALTIMESTAMP" || name == "CURRENT_DATE") {
    if (!args.empty()) return Mismatch(name, args, name + "()");
    LogicalType t = name == "LOCALTIMESTAMP" ? LogicalType::Timestamp(3)
                    : name == "CURRENT_DATE" ? LogicalType::Date()
                                             : LogicalType::TimestampLtz(3);
    return t.WithNullable(false);
  }
  if (name == "HOUR") {
    if (args.size() != 1 || !args[0].is_timestamp()) {
      return Mismatch(name, args, "HOUR(<TIMESTAMP>)");
    }
    return Nullable(LogicalType::BigInt(), nullable);
  }
  if (name == "TO_TIMESTAMP") {
    if (args.empty() || args.size() > 2 || !IsString(args[0]) || !fmt_ok(1)) {
      return Mismatch(name, args, "TO_TIMESTAMP(<STRING>[, <STRING format>])");
    }
    return LogicalType::Timestamp(3);
  }
  if (name == "TO_TIMESTAMP_LTZ") {
    if (args.empty() || args.size() > 2 || !IsNumeric(args[0]) ||
        (args.size() == 2 && !IsInteger(args[1]))) {
      return Mismatch(name, args, "TO_TIMESTAMP_LTZ(<numeric epoch>, <0 or 3>)");
    }
    return Nullable(LogicalType::TimestampLtz(3), nullable);
  }
  if (name == "FROM_UNIXTIME") {
    if (args.empty() || args.size() > 2 || !IsInteger(args[0]) || !fmt_ok(1)) {
      return Mismatch(name, args, "FROM_UNIXTIME(<BIGINT seconds>[, <STRING format>])");
    }
    return Nullable(LogicalType::String(), nullable);
  }
  if (name == "UNIX_TIMESTAMP") {
    if (args.empty()) return LogicalType::BigInt().WithNullable(false);
    if (args.size() > 2 || !IsString(args[0]) || !fmt_ok(1)) {
      return Mismatch(name, args, "UNIX_TIMESTAMP() or UNIX_TIMESTAMP(<STRING>[, <STRING>])");
    }
    return LogicalType::BigInt();
  }
  if (name == "DATE_FORMAT") {
    if (args.size() != 2 || !(IsTime(args[0]) || IsString(args[0])) || !IsString(args[1])) {
      return Mismatch(name, args, "DATE_FORMAT(<TIMESTAMP or STRING>, <STRING format>)");
    }
    return Nullable(LogicalType::String(), nullable);
  }
  // TIMESTAMPDIFF
  if (args.size() != 3 || !IsString(args[0]) || !(IsTime(args[1]) || IsNull(args[1])) ||
      !(IsTime(args[2]) || IsNull(args[2]))) {
    return Mismatch(name, args, "TIMESTAMPDIFF(<unit>, <TIMESTAMP>, <TIMESTAMP>)");
  }
  return Nullable(LogicalType::Int(), nullable);
}

bool OneOf(const std::string& name, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace

Result<LogicalType> ScalarTypeResolver::Resolve(const std::string& name,
                                                const std::vector<LogicalType>& args) {
  if (OneOf(name, {"+", "-", "*", "/", "%"})) return ResolveArithmetic(name, args);
  if (name == "NEGATE") {
    if (args.size() != 1 || !(IsNumeric(args[0]) || args[0].id == TypeId::kInterval)) {
      return Mismatch(name, args, "-<numeric> or -<INTERVAL>");
    }
    return IsNull(args[0]) ? LogicalType::Int() : args[0];
  }
  if (OneOf(name, {"=", "<>", "<", "<=", ">", ">="})) return ResolveComparison(name, args);
  if (OneOf(name, {"AND", "OR", "NOT", "IS_NULL", "IS_NOT_NULL"})) return ResolveLogic(name, args);
  if (name == "IN") {
    if (args.size() < 2) return Mismatch(name, args, "<value> IN (<value>, ...)");
    for (size_t i = 1; i < args.size(); ++i) {
      if (!Comparable(args[0], args[i])) {
        return Mismatch(name, args, "<value> IN (<values of a comparable type>)");
      }
    }
    return Nullable(LogicalType::Boolean(), AnyNullable(args));
  }
  if (OneOf(name, {"CASE", "IF", "COALESCE", "NULLIF"})) return ResolveConditional(name, args);
  if (OneOf(name, {"IS_DISTINCT_FROM", "IS_NOT_DISTINCT_FROM"})) {
    return ResolveDistinctFrom(name, args);
  }
  if (OneOf(name, {"ABS", "ROUND", "FLOOR", "CEIL", "MOD", "POWER"})) {
    return ResolveMath(name, args);
  }
  if (OneOf(name, {"LOWER", "UPPER", "TRIM", "CONCAT", "SUBSTRING", "CHAR_LENGTH", "LIKE",
                   "REGEXP_EXTRACT", "JSON_VALUE", "REPLACE"})) {
    return ResolveString(name, args);
  }
  if (OneOf(name, {"TO_TIMESTAMP", "TO_TIMESTAMP_LTZ", "FROM_UNIXTIME", "UNIX_TIMESTAMP",
                   "DATE_FORMAT", "TIMESTAMPDIFF", "CURRENT_TIMESTAMP", "NOW", "PROCTIME",
                   "LOCALTIMESTAMP", "CURRENT_DATE", "HOUR"})) {
    return ResolveTime(name, args);
  }
  if (name == "CURRENT_WATERMARK") {
    if (args.size() != 1 || !args[0].is_timestamp()) {
      return Mismatch(name, args, "CURRENT_WATERMARK(rowtime)");
    }
    return LogicalType::Timestamp(3).WithNullable(true);
  }
  if (NestedAccess::Handles(name)) return NestedAccess::Resolve(name, args);
  if (NestedConstructor::Handles(name)) return NestedConstructor::Resolve(name, args);
  if (JsonFunctions::Handles(name)) return JsonFunctions::Resolve(name, args);
  return Status::PlanError(fmt::format("unknown function {}({})", name, TypeList(args)));
}

bool ScalarTypeResolver::CanCast(const LogicalType& from, const LogicalType& to) {
  if ((from.is_timestamp() && to.is_integer()) || (from.is_integer() && to.is_timestamp())) {
    return false;  // Flink rejects TIMESTAMP <-> BIGINT casts; use TO_TIMESTAMP_LTZ instead
  }
  if (to.id == TypeId::kInterval || from.id == TypeId::kInterval) return from.id == to.id;
  return sql::TypeCoercion::IsCastable(from, to);
}

}  // namespace sluice::expr
