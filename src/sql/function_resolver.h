#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "types/logical_type.h"

namespace sluice::sql {

/// Tells the binder which functions exist and what they return. Implemented by
/// expr::FunctionRegistry (expr sits right of sql, so the binder sees only this interface).
/// Implementations are immutable and thread-safe.
class FunctionResolver {
 public:
  virtual ~FunctionResolver() = default;

  /// Returns the result type of scalar `name` (canonical, see bound_expr.h) applied to
  /// arguments of `arg_types`, or a kPlanError naming the expected signature.
  virtual Result<LogicalType> ResolveScalar(const std::string& name,
                                            const std::vector<LogicalType>& arg_types) const = 0;
  /// Returns the result type of aggregate `name` over `arg_type` (kNull for COUNT(*)).
  virtual Result<LogicalType> ResolveAggregate(const std::string& name,
                                               const LogicalType& arg_type) const = 0;
  /// Returns true when `name` is an aggregate function.
  virtual bool IsAggregate(const std::string& name) const = 0;
};

}  // namespace sluice::sql
