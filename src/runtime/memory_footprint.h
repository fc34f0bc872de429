#pragma once

#include <cstddef>
#include <vector>

#include "types/batch.h"
#include "types/column.h"
#include "types/value.h"

namespace sluice::runtime {

/// Estimates the bytes of memory that buffered data takes, for 'pipeline.max-memory': vectors by
/// their capacity, strings by their length (string bytes a column views are counted for it even
/// when an arena is shared), nested values with their children. Stateless.
class MemoryFootprint {
 public:
  static size_t OfColumn(const Column& column);
  static size_t OfBatch(const Batch& batch);
  static size_t OfValue(const Value& value);
  /// Returns the bytes of a buffered row (a vector of values).
  static size_t OfRow(const std::vector<Value>& row);
};

}  // namespace sluice::runtime
