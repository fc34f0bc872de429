#include "types/logical_type.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cassert>

namespace sluice {

PhysicalType LogicalType::physical() const {
  switch (id) {
    case TypeId::kBoolean:
      return PhysicalType::kBool;
    case TypeId::kFloat:
    case TypeId::kDouble:
      return PhysicalType::kDouble;
    case TypeId::kString:
      return PhysicalType::kString;
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      return PhysicalType::kNested;
    default:
      return PhysicalType::kInt64;
  }
}

bool LogicalType::is_numeric() const {
  switch (id) {
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
      return true;
    default:
      return false;
  }
}

LogicalType LogicalType::Row(std::vector<std::string> names, std::vector<LogicalType> types) {
  LogicalType t{TypeId::kRow};
  t.nested = std::make_shared<const NestedType>(NestedType{std::move(names), std::move(types), {}});
  return t;
}

LogicalType LogicalType::Array(LogicalType element) {
  LogicalType t{TypeId::kArray};
  t.nested = std::make_shared<const NestedType>(NestedType{{}, {std::move(element)}, {}});
  return t;
}

LogicalType LogicalType::Map(LogicalType key, LogicalType value) {
  LogicalType t{TypeId::kMap};
  t.nested =
      std::make_shared<const NestedType>(NestedType{{}, {std::move(key), std::move(value)}, {}});
  return t;
}

size_t LogicalType::num_children() const { return nested ? nested->types.size() : 0; }

const LogicalType& LogicalType::child(size_t i) const {
  assert(nested && i < nested->types.size());
  return nested->types[i];
}

const std::string& LogicalType::field_name(size_t i) const {
  assert(nested && i < nested->names.size());
  return nested->names[i];
}

std::optional<size_t> LogicalType::FindField(std::string_view name) const {
  if (id != TypeId::kRow || !nested) return std::nullopt;
  for (size_t i = 0; i < nested->names.size(); ++i) {
    if (nested->names[i] == name) return i;
  }
  return std::nullopt;
}

bool LogicalType::SameChildren(const LogicalType& other) const {
  if (!nested || !other.nested) return !nested && !other.nested;
  if (nested->names != other.nested->names) return false;
  if (nested->types.size() != other.nested->types.size()) return false;
  for (size_t i = 0; i < nested->types.size(); ++i) {
    const LogicalType& a = nested->types[i];
    const LogicalType& b = other.nested->types[i];
    if (a.nullable != b.nullable || !a.SameAs(b)) return false;
  }
  return true;
}

namespace {

// Returns "ROW<`a` INT, `b` STRING>", "ARRAY<INT>" or "MAP<STRING, INT>".
std::string NestedToString(const LogicalType& t) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < t.num_children(); ++i) {
    std::string child = t.child(i).ToString();
    parts.push_back(t.id == TypeId::kRow ? fmt::format("`{}` {}", t.field_name(i), child) : child);
  }
  const char* name = t.id == TypeId::kRow ? "ROW" : t.id == TypeId::kArray ? "ARRAY" : "MAP";
  return fmt::format("{}<{}>", name, fmt::join(parts, ", "));
}

}  // namespace

std::string LogicalType::ToString() const {
  std::string s;
  switch (id) {
    case TypeId::kNull:
      s = "NULL";
      break;
    case TypeId::kBoolean:
      s = "BOOLEAN";
      break;
    case TypeId::kInt:
      s = "INT";
      break;
    case TypeId::kBigInt:
      s = "BIGINT";
      break;
    case TypeId::kFloat:
      s = "FLOAT";
      break;
    case TypeId::kDouble:
      s = "DOUBLE";
      break;
    case TypeId::kDecimal:
      s = fmt::format("DECIMAL({}, {})", precision, scale);
      break;
    case TypeId::kString:
      s = "STRING";
      break;
    case TypeId::kTimestamp:
      s = fmt::format("TIMESTAMP({})", precision);
      break;
    case TypeId::kTimestampLtz:
      s = fmt::format("TIMESTAMP_LTZ({})", precision);
      break;
    case TypeId::kDate:
      s = "DATE";
      break;
    case TypeId::kInterval:
      s = "INTERVAL DAY TO SECOND";
      break;
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      s = NestedToString(*this);
      break;
  }
  if (!nullable && id != TypeId::kNull) s += " NOT NULL";
  return s;
}

int64_t DecimalScaleFactor(int scale) {
  int64_t f = 1;
  for (int i = 0; i < scale; ++i) f *= 10;
  return f;
}

}  // namespace sluice
