#pragma once

#include <string>
#include <vector>

#include "expr/expr_node.h"
#include "sql/bound_expr.h"

namespace sluice::expr {

/// Access to ROW, ARRAY and MAP values, compiled into nodes that work on whole columns:
/// - FIELD(row, i): field i of a ROW (the child column itself when no row is NULL);
/// - ITEM(array, n): element n, 1-based, NULL when out of range; ITEM(map, key): the value of
///   `key`, NULL when absent (`arr[n]`, `map['k']`);
/// - ELEMENT(array): the only element, NULL for an empty array, a data error for more than one;
/// - CARDINALITY(array | map): the number of elements (INT).
/// Stateless; the nodes are immutable.
class NestedAccess {
 public:
  static bool Handles(const std::string& name);
  /// Returns the result type of `name` over `args`, or kPlanError naming the expected arguments.
  static Result<LogicalType> Resolve(const std::string& name, const std::vector<LogicalType>& args);
  /// Compiles the call `expr` over its compiled arguments.
  static Result<ExprNodePtr> Compile(const sql::BoundExpr& expr, std::vector<ExprNodePtr> args);
};

}  // namespace sluice::expr
