#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "types/column.h"

namespace sluice::expr {

/// One aggregate (COUNT, SUM, AVG, MIN, MAX, COUNT DISTINCT ...) with mergeable, serialisable
/// state. States are fixed-size byte regions (`state_size()` bytes, suitably aligned for 8-byte
/// values) that the caller owns, usually packed side by side per group; variable-size state
/// (DISTINCT sets, MIN/MAX of strings, retractable MIN/MAX) lives behind a pointer inside the
/// region and is released by Destroy. Instances are immutable and shareable across groups.
class AggregateFunction {
 public:
  virtual ~AggregateFunction() = default;

  virtual size_t state_size() const = 0;
  /// Initialises the state at `state` (the value of the aggregate over no rows).
  virtual void Init(uint8_t* state) const = 0;
  /// Releases what Init or updates allocated.
  virtual void Destroy(uint8_t* state) const { (void)state; }

  /// Folds row `row` of `arg` into `state` (`arg` is null for COUNT(*)). NULL arguments are
  /// ignored, as SQL requires.
  virtual void Update(uint8_t* state, const Column* arg, size_t row) const = 0;
  /// Folds row `row` for many states at once: states[i] receives rows[i]. The hot path.
  virtual void UpdateBatch(uint8_t* const* states, const Column* arg, const uint32_t* rows,
                           size_t n) const;
  /// Removes a previously added row (changelog input). Returns kUnsupported where the function
  /// cannot retract.
  virtual Status Retract(uint8_t* state, const Column* arg, size_t row) const;
  /// Folds `other` into `state` (window merging, partial aggregates).
  virtual void Merge(uint8_t* state, const uint8_t* other) const = 0;
  /// Appends the aggregate's current value to `out` (of the result type).
  virtual void Finalize(const uint8_t* state, Column* out) const = 0;

  /// Appends the state's bytes to `out` in a stable, versioned encoding, and reads them back.
  virtual void Serialize(const uint8_t* state, std::string* out) const = 0;
  virtual Status Deserialize(std::string_view* in, uint8_t* state) const = 0;

  virtual const LogicalType& result_type() const = 0;
};

}  // namespace sluice::expr
