#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/bound_expr.h"
#include "sql/function_resolver.h"

namespace sluice::sql {

/// A column a query can name: `qualifier.name` (the qualifier is the table, view or alias it
/// comes from; empty for derived columns).
struct ScopeColumn {
  std::string qualifier;
  std::string name;
  LogicalType type;
};

/// The columns visible to an expression, in input-schema order, and a name for error messages.
struct Scope {
  std::vector<ScopeColumn> columns;
  std::string description;  // e.g. "orders"
};

/// The state of binding the expressions above a GROUP BY: the grouped expressions (by their
/// rendering over the input scope) and the aggregate calls collected so far, with the output
/// columns of the aggregation that hold them.
struct AggregateScope {
  struct Key {
    std::string text;  // BoundExpr::ToString over the input
    size_t output = 0;
    LogicalType type;
  };
  std::vector<Key> keys;
  size_t aggregate_base = 0;  // output column of the first aggregate
  std::vector<BoundAggregate> aggregates;
  std::vector<std::string> aggregate_texts;  // for reusing an identical call
};

/// Binds AST expressions to typed BoundExprs with Flink SQL's typing rules, asking
/// FunctionResolver for the result types of operators and functions. Holds references only;
/// create one per planning run, use from one thread.
class ExpressionBinder {
 public:
  ExpressionBinder(const std::string& file_name, const FunctionResolver& functions)
      : file_(file_name), functions_(functions) {}

  /// Binds `expr` over `scope`; aggregate calls are an error (`clause` names where, e.g.
  /// "WHERE").
  Result<BoundExprPtr> Bind(const AstExpr& expr, const Scope& scope, const std::string& clause);
  /// Binds `expr` above an aggregation over `input`: grouped expressions and aggregate calls
  /// become references to the aggregation's output; new aggregate calls are added to `aggs`.
  Result<BoundExprPtr> BindAggregated(const AstExpr& expr, const Scope& input,
                                      AggregateScope* aggs);
  /// Binds a constant INTERVAL expression and returns its milliseconds.
  Result<int64_t> BindIntervalConstant(const AstExpr& expr, const std::string& what);

  /// Returns true when `expr` contains an aggregate call.
  bool ContainsAggregate(const AstExpr& expr) const;

  /// Returns a kPlanError at `pos` in this binder's file.
  Status Error(SourcePos pos, const std::string& what) const;

 private:
  Result<BoundExprPtr> BindNode(const AstExpr& expr, const Scope& scope);
  Result<BoundExprPtr> BindIdentifier(const AstExpr& expr, const Scope& scope);
  /// Binds the column `name` of `scope` (of the table `qualifier` when not empty).
  Result<BoundExprPtr> BindColumn(const AstExpr& expr, const std::string& qualifier,
                                  const std::string& name, const Scope& scope);
  /// Binds `base.field` for a ROW-typed `base`: a FIELD call, nullable when `base` is.
  Result<BoundExprPtr> BindFieldAccess(BoundExprPtr base, const std::string& field, SourcePos pos);
  static bool HasColumn(const Scope& scope, const std::string& name);
  Result<BoundExprPtr> BindLiteral(const AstExpr& expr);
  Result<BoundExprPtr> BindFunction(const AstExpr& expr, const Scope& scope);
  Result<BoundExprPtr> BindCase(const AstExpr& expr, const Scope& scope);
  Result<BoundExprPtr> BindCast(const AstExpr& expr, const Scope& scope);
  Result<BoundExprPtr> BindAggregateCall(const AstExpr& expr, const Scope& scope);
  Result<std::vector<BoundExprPtr>> BindArgs(const std::vector<AstExprPtr>& args,
                                             const Scope& scope);
  /// Resolves `name` over `args` and returns the call, or an error at `pos` with the types.
  Result<BoundExprPtr> Call(const std::string& name, std::vector<BoundExprPtr> args, SourcePos pos);

  const std::string& file_;
  const FunctionResolver& functions_;
  // Set while binding above an aggregation (BindAggregated).
  AggregateScope* aggs_ = nullptr;
  const Scope* agg_input_ = nullptr;
  std::string clause_;
};

}  // namespace sluice::sql
