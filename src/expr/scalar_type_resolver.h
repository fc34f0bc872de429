#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "types/logical_type.h"

namespace sluice::expr {

/// Computes the result type of a canonical scalar function (see sql/bound_expr.h) applied to
/// arguments of given types, with Flink's typing rules. Stateless; thread-safe.
class ScalarTypeResolver {
 public:
  /// Returns the result type, or kPlanError naming the function, the argument types and the
  /// expected signature.
  static Result<LogicalType> Resolve(const std::string& name, const std::vector<LogicalType>& args);
  /// Returns whether CAST from `from` to `to` is allowed (TIMESTAMP <-> BIGINT is not, as Flink).
  static bool CanCast(const LogicalType& from, const LogicalType& to);
};

}  // namespace sluice::expr
