#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "types/column.h"
#include "types/logical_type.h"

namespace sluice {

/// One typed scalar: a literal, an aggregate's result, a group key part. The payload follows
/// the physical type of `type` (int64 for integers, DECIMAL, DATE, TIMESTAMP, INTERVAL); a
/// ROW, ARRAY or MAP value is a one-row column of its type.
struct Value {
  LogicalType type;
  std::variant<std::monostate, bool, int64_t, double, std::string, ColumnPtr> data;

  static Value Null(LogicalType t) { return {t, std::monostate{}}; }
  static Value Bool(bool v) { return {LogicalType::Boolean(), v}; }
  static Value Int64(LogicalType t, int64_t v) { return {t, v}; }
  static Value Double(double v) { return {LogicalType::Double(), v}; }
  static Value String(std::string v) { return {LogicalType::String(), std::move(v)}; }

  bool is_null() const { return std::holds_alternative<std::monostate>(data); }
  bool as_bool() const { return std::get<bool>(data); }
  int64_t as_int() const { return std::get<int64_t>(data); }
  double as_double() const { return std::get<double>(data); }
  const std::string& as_string() const { return std::get<std::string>(data); }
  const Column& as_nested() const { return *std::get<ColumnPtr>(data); }

  /// Reads row `row` of `column`.
  static Value FromColumn(const Column& column, size_t row);
  /// Appends this value to `column`, whose physical type must match.
  void AppendTo(Column* column) const;
  /// Returns the text Flink prints for the value ("null" for NULL).
  std::string ToString() const;
};

}  // namespace sluice
