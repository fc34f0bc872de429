#pragma once

#include <cstdint>

#include "types/column.h"

namespace sluice {

/// Equality and hashing of single cells of any type, nested ones included, as GROUP BY, SELECT
/// DISTINCT and IS [NOT] DISTINCT FROM compare values: NULL equals NULL (at every nesting level),
/// -0.0 equals 0.0, all NaNs are equal, strings compare bytewise; ROWs field by field, ARRAYs
/// element by element, MAPs as sets of entries (entry order does not matter). Equal cells have
/// equal hashes. Stateless and thread-safe.
class CellEquality {
 public:
  /// Returns whether row `i` of `a` equals row `j` of `b`; both columns have one physical layout
  /// (the same type up to nullability).
  static bool Equal(const Column& a, size_t i, const Column& b, size_t j);
  /// Returns the hash of row `i` of `c`.
  static uint64_t Hash(const Column& c, size_t i);
};

}  // namespace sluice
