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

  /// Parses a type string such as "Nullable(Decimal(10, 2))", "DateTime('UTC')",
  /// "Enum8('a' = 1, 'b' = 2)", "Array(LowCardinality(String))", "Tuple(UInt64, String)",
  /// "Tuple(a UInt64, b String)", "Map(String, UInt64)". Unknown types are kUnsupported.
  static Result<ClickHouseType> Parse(std::string_view text);

  bool is_integer() const { return kind <= Kind::kUInt64; }
  bool is_signed_integer() const { return kind <= Kind::kInt64; }
  /// Returns the width in bytes of an integer, float, Decimal, Date or DateTime value.
  int byte_width() const;
};

}  // namespace sluice::connectors
