#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/// SQL types, named as Flink SQL names them.
enum class TypeId {
  kNull,  // the type of the NULL literal
  kBoolean,
  kInt,     // 32-bit
  kBigInt,  // 64-bit
  kFloat,
  kDouble,
  kDecimal,       // precision <= 18, stored as a scaled int64
  kString,        // STRING, VARCHAR(n), CHAR(n)
  kTimestamp,     // TIMESTAMP(p): epoch milliseconds, no zone
  kTimestampLtz,  // TIMESTAMP_LTZ(p): epoch milliseconds, an instant
  kDate,          // days since 1970-01-01
  kInterval,      // INTERVAL day-time: milliseconds
  kRow,           // ROW<name type, ...>: one child type per field
  kArray,         // ARRAY<t>: one child type, the element
  kMap,           // MAP<k, v>: two child types, key and value
};

/// How a value of a type sits in a Column.
enum class PhysicalType { kBool, kInt64, kDouble, kString, kNested };

struct NestedType;

/// A SQL type with its parameters and nullability.
struct LogicalType {
  TypeId id = TypeId::kNull;
  int precision = 0;  // DECIMAL(p, s) and TIMESTAMP(p)
  int scale = 0;      // DECIMAL(p, s)
  bool nullable = true;
  std::shared_ptr<const NestedType> nested = nullptr;  // ROW, ARRAY and MAP: names and child types

  static LogicalType Null() { return {TypeId::kNull}; }
  static LogicalType Boolean() { return {TypeId::kBoolean}; }
  static LogicalType Int() { return {TypeId::kInt}; }
  static LogicalType BigInt() { return {TypeId::kBigInt}; }
  static LogicalType Float() { return {TypeId::kFloat}; }
  static LogicalType Double() { return {TypeId::kDouble}; }
  static LogicalType Decimal(int p, int s) { return {TypeId::kDecimal, p, s}; }
  static LogicalType String() { return {TypeId::kString}; }
  static LogicalType Timestamp(int p = 3) { return {TypeId::kTimestamp, p}; }
  static LogicalType TimestampLtz(int p = 3) { return {TypeId::kTimestampLtz, p}; }
  static LogicalType Date() { return {TypeId::kDate}; }
  static LogicalType Interval() { return {TypeId::kInterval}; }
  static LogicalType Row(std::vector<std::string> names, std::vector<LogicalType> types);
  static LogicalType Array(LogicalType element);
  static LogicalType Map(LogicalType key, LogicalType value);

  PhysicalType physical() const;
  bool is_numeric() const;
  bool is_integer() const { return id == TypeId::kInt || id == TypeId::kBigInt; }
  bool is_timestamp() const { return id == TypeId::kTimestamp || id == TypeId::kTimestampLtz; }
  bool is_nested() const {
    return id == TypeId::kRow || id == TypeId::kArray || id == TypeId::kMap;
  }
  /// Returns how many child types a nested type has (ROW: fields; ARRAY: 1; MAP: 2), else 0.
  size_t num_children() const;
  /// Returns child type `i`: a ROW's field, an ARRAY's element, a MAP's key (0) or value (1).
  const LogicalType& child(size_t i) const;
  /// Returns the name of ROW field `i`.
  const std::string& field_name(size_t i) const;
  /// Returns the index of the ROW field named `name` (exact match), if any.
  std::optional<size_t> FindField(std::string_view name) const;
  LogicalType WithNullable(bool n) const {
    LogicalType t = *this;
    t.nullable = n;
    return t;
  }
  /// Returns the SQL spelling, e.g. "DECIMAL(10, 2)", "TIMESTAMP(3)", "BIGINT NOT NULL",
  /// "ROW<`id` BIGINT, `tags` ARRAY<STRING>>".
  std::string ToString() const;
  /// Compares id and parameters, ignoring nullability; nested types compare their field names
  /// and child types (child nullability included).
  bool SameAs(const LogicalType& other) const {
    return id == other.id && precision == other.precision && scale == other.scale &&
           (nested == other.nested || SameChildren(other));
  }

 private:
  bool SameChildren(const LogicalType& other) const;
};

/// The children of a nested type: field names (ROW only) and child types.
struct NestedType {
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  /// ROW fields no query reads (1 per such field; empty: all are read), set on the types a
  /// scan decodes so that decoders skip them and leave them NULL. Not part of the type's
  /// identity: SameAs ignores it.
  std::vector<uint8_t> unread;

  bool IsUnread(size_t field) const { return field < unread.size() && unread[field] != 0; }
};

/// The largest DECIMAL precision: the digits a scaled int64 holds.
inline constexpr int kMaxDecimalPrecision = 18;

/// Returns 10^scale for DECIMAL arithmetic.
int64_t DecimalScaleFactor(int scale);

}  // namespace sluice
