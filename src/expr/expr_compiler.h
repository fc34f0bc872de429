#pragma once

#include <string>
#include <vector>

#include "expr/expr_node.h"
#include "sql/bound_expr.h"

namespace sluice::expr {

/// Turns a bound expression into a tree of ExprNodes: resolves each call's kernel, inserts the
/// conversions that bring operands to one computation domain (int64, double, scaled DECIMAL,
/// string), and prepares per-expression state (compiled patterns). Stateless between calls.
class ExprCompiler {
 public:
  Result<ExprNodePtr> Compile(const sql::BoundExpr& expr);

  /// Wraps `node` in a CAST to `to` unless it already has that type (or only widens INT to
  /// BIGINT, which shares the representation).
  static Result<ExprNodePtr> Coerce(ExprNodePtr node, const LogicalType& to, bool try_cast = false);

 private:
  Result<ExprNodePtr> CompileCall(const sql::BoundExpr& expr);
  Result<std::vector<ExprNodePtr>> CompileArgs(const sql::BoundExpr& expr);
  Result<ExprNodePtr> Arithmetic(const std::string& op, std::vector<ExprNodePtr> args,
                                 const LogicalType& type);
  Result<ExprNodePtr> Comparison(const std::string& op, std::vector<ExprNodePtr> args);
  /// Brings both operands of an equality to one type (nested: their common type).
  Result<LogicalType> EqualityOperands(std::vector<ExprNodePtr>* args);
  /// = and <> of nested values, and IS [NOT] DISTINCT FROM of any values.
  Result<ExprNodePtr> CellComparison(const std::string& op, std::vector<ExprNodePtr> args);
  /// NULLIF(a, b): CASE WHEN a = b THEN NULL ELSE a END.
  Result<ExprNodePtr> NullIf(const sql::BoundExpr& expr, const LogicalType& type);
  Result<ExprNodePtr> Conditional(const sql::BoundExpr& expr, const LogicalType& type);
  Result<ExprNodePtr> In(const sql::BoundExpr& expr);
};

}  // namespace sluice::expr
