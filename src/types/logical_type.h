#pragma once

#include <cstdint>
#include <string>

namespace sluice {

/// SQL types, named as Flink SQL names them.
enum class TypeId {
  kNull,          // the type of the NULL literal
  kBoolean,
  kInt,           // 32-bit
  kBigInt,        // 64-bit
  kFloat,
  kDouble,
  kDecimal,       // precision <= 18, stored as a scaled int64
  kString,        // STRING, VARCHAR(n), CHAR(n)
  kTimestamp,     // TIMESTAMP(p): epoch milliseconds, no zone
  kTimestampLtz,  // TIMESTAMP_LTZ(p): epoch milliseconds, an instant
  kDate,          // days since 1970-01-01
  kInterval,      // INTERVAL day-time: milliseconds
};

/// How a value of a type sits in a Column.
enum class PhysicalType { kBool, kInt64, kDouble, kString };

/// A SQL type with its parameters and nullability.
struct LogicalType {
  TypeId id = TypeId::kNull;
  int precision = 0;  // DECIMAL(p, s) and TIMESTAMP(p)
  int scale = 0;      // DECIMAL(p, s)
  bool nullable = true;

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

  PhysicalType physical() const;
  bool is_numeric() const;
  bool is_integer() const { return id == TypeId::kInt || id == TypeId::kBigInt; }
  bool is_timestamp() const { return id == TypeId::kTimestamp || id == TypeId::kTimestampLtz; }
  LogicalType WithNullable(bool n) const {
    LogicalType t = *this;
    t.nullable = n;
    return t;
  }
  /// Returns the SQL spelling, e.g. "DECIMAL(10, 2)", "TIMESTAMP(3)", "BIGINT NOT NULL".
  std::string ToString() const;
  /// Compares id and parameters, ignoring nullability.
  bool SameAs(const LogicalType& other) const {
    return id == other.id && precision == other.precision && scale == other.scale;
  }
};

/// Returns 10^scale for DECIMAL arithmetic.
int64_t DecimalScaleFactor(int scale);

}  // namespace sluice
