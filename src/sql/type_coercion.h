#pragma once

#include <optional>

#include "types/logical_type.h"

namespace sluice::sql {

/// Flink SQL's rules for implicit and explicit conversions between types. Stateless.
class TypeCoercion {
 public:
  /// Returns true when a value of `from` may be written where `to` is expected without a CAST:
  /// the same type, NULL, numeric widening (INT → BIGINT → DECIMAL → FLOAT → DOUBLE, DECIMALs
  /// that keep every digit), and TIMESTAMP precision changes. Anything to STRING is not implicit.
  static bool IsImplicit(const LogicalType& from, const LogicalType& to);
  /// Returns true when CAST(from AS to) is allowed; nested types: ROW to ROW of as many fields
  /// (the names are the target's), ARRAY to ARRAY and MAP to MAP with castable children, and any
  /// of them to STRING.
  static bool IsCastable(const LogicalType& from, const LogicalType& to);
  /// Returns the narrowest type both `a` and `b` widen to (UNION ALL, CASE), or nullopt; for
  /// nested types of one kind (ROWs with the same field names) the common type child by child.
  static std::optional<LogicalType> CommonType(const LogicalType& a, const LogicalType& b);
};

}  // namespace sluice::sql
