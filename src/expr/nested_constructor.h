#pragma once

#include <string>
#include <vector>

#include "expr/expr_node.h"
#include "sql/bound_expr.h"

namespace sluice::expr {

/// The value constructors `ARRAY[a, b, ...]`, `MAP[k1, v1, k2, v2, ...]` and `ROW(a, b, ...)`
/// (bound as calls ARRAY, MAP and ROW), evaluated a column at a time. Elements are brought to
/// one common type (keys and values each to theirs); ROW fields are named EXPR$0, EXPR$1, ...
/// as Flink names them. The result is never NULL. Stateless; the nodes are immutable.
class NestedConstructor {
 public:
  static bool Handles(const std::string& name);
  /// Returns the constructed type, or kPlanError naming the expected arguments.
  static Result<LogicalType> Resolve(const std::string& name, const std::vector<LogicalType>& args);
  /// Compiles the call `expr` over its compiled arguments.
  static Result<ExprNodePtr> Compile(const sql::BoundExpr& expr, std::vector<ExprNodePtr> args);
};

}  // namespace sluice::expr
