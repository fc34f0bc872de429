#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::connectors {

/// A ClickHouse column type as DESCRIBE TABLE prints it, parsed: the base kind with its
/// parameters, and the Nullable / LowCardinality wrappers as flags. Immutable value.
struct ClickHouseType {
  enum class Kind {
    kInt8,
    kInt16,
    kInt32,
    kInt64,
    kUInt8,
    kUInt16,
    kUInt32,
    kUInt64,
    kFloat32,
    kFloat64,
    kDecimal,  // precision, scale; 4, 8 or 16 bytes by precision
    kString,
    kFixedString,  // fixed_size
    kDate,
    kDateTime,    // timezone
    kDateTime64,  // precision (digits of the second), timezone
    kEnum8,
    kEnum16,  // enum_values
    kUUID,
    kArray,  // element
    kTuple,  // elements (named or not: names are not kept)
    kMap,    // elements: key, value
  };

  Kind kind = Kind::kString;
  bool nullable = false;
  bool low_cardinality = false;
  int precision = 0;
  int scale = 0;
  int fixed_size = 0;
  std::string timezone;
  std::vector<std::pair<std::string, int>> enum_values;
  std::shared_ptr<const ClickHouseType> element;
  std::vector<std::shared_ptr<const ClickHouseType>> elements;
  std::string spelling;  // as the server wrote it
  // "min" or "max" for AggregateFunction(min|max, T): a single-value state, encoded as T is when
  // Nullable but with the flag byte inverted (1: a value follows, 0: no value, for NULL).
  std::string aggregate_function;

  /// Parses a type string such as "Nullable(Decimal(10, 2))", "DateTime('UTC')",
  /// "Enum8('a' = 1, 'b' = 2)", "Array(LowCardinality(String))", "Tuple(UInt64, String)",
  /// "Tuple(a UInt64, b String)", "Map(String, UInt64)", "AggregateFunction(min, Float64)".
  /// Unknown types are kUnsupported.
  static Result<ClickHouseType> Parse(std::string_view text);

  bool is_integer() const { return kind <= Kind::kUInt64; }
  bool is_signed_integer() const { return kind <= Kind::kInt64; }
  /// Returns the flag byte written before a value of a nullable column (0; 1 for a min/max
  /// state) and for a NULL (1; 0 for a state: no value).
  char value_flag() const { return aggregate_function.empty() ? 0 : 1; }
  char null_flag() const { return aggregate_function.empty() ? 1 : 0; }
  /// Returns the width in bytes of an integer, float, Decimal, Date or DateTime value.
  int byte_width() const;
};

}  // namespace sluice::connectors
