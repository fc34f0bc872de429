#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "expr/aggregate_function.h"
#include "sql/bound_expr.h"
#include "sql/function_resolver.h"

namespace sluice::expr {

/// Knows every built-in scalar and aggregate function: their signatures (for the binder, through
/// sql::FunctionResolver) and their implementations. Immutable after construction; thread-safe.
class FunctionRegistry : public sql::FunctionResolver {
 public:
  FunctionRegistry();
  ~FunctionRegistry() override;

  Result<LogicalType> ResolveScalar(const std::string& name,
                                    const std::vector<LogicalType>& arg_types) const override;
  Result<LogicalType> ResolveAggregate(const std::string& name,
                                       const LogicalType& arg_type) const override;
  bool IsAggregate(const std::string& name) const override;

  /// Creates the implementation of `aggregate` (COUNT DISTINCT included).
  Result<std::unique_ptr<AggregateFunction>> CreateAggregate(
      const sql::BoundAggregate& aggregate) const;
  /// Same; `retractable` asks for an implementation whose Retract works (changelog input).
  Result<std::unique_ptr<AggregateFunction>> CreateAggregate(const sql::BoundAggregate& aggregate,
                                                             bool retractable) const;
};

}  // namespace sluice::expr
