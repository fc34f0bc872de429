#pragma once

#include <memory>
#include <vector>

#include "common/status.h"
#include "expr/aggregate_function.h"
#include "expr/compiled_expr.h"
#include "expr/function_registry.h"
#include "sql/bound_expr.h"
#include "types/batch.h"

namespace sluice::runtime {

/// The per-batch inputs of a grouped aggregation: the group key columns, each aggregate's
/// argument column and FILTER (WHERE ...) outcome, computed once per batch (column references
/// are used in place, other expressions are compiled and evaluated a column at a time). Owns
/// the aggregate function implementations. Used by one operator on one thread.
class AggregateInputs {
 public:
  /// Compiles `keys` and the arguments and filters of `aggregates` (all over the input schema)
  /// and creates the aggregate functions.
  static Result<std::unique_ptr<AggregateInputs>> Create(
      const std::vector<sql::BoundExprPtr>& keys,
      const std::vector<sql::BoundAggregate>& aggregates, const expr::FunctionRegistry& registry);
  /// Same; `retractable` (a changelog input) creates aggregate functions that can retract.
  static Result<std::unique_ptr<AggregateInputs>> Create(
      const std::vector<sql::BoundExprPtr>& keys,
      const std::vector<sql::BoundAggregate>& aggregates, const expr::FunctionRegistry& registry,
      bool retractable);

  /// Evaluates keys, arguments and filters over every row of `batch`. The accessors below then
  /// describe this batch until the next call; `batch` must stay alive meanwhile.
  Status Evaluate(const Batch& batch, const expr::EvalContext& context);

  const std::vector<const Column*>& keys() const { return key_columns_; }
  /// Returns aggregate `a`'s argument column (null for COUNT(*)).
  const Column* arg(size_t a) const { return arg_columns_[a]; }
  /// Returns true when aggregate `a` has a FILTER clause.
  bool has_filter(size_t a) const { return filters_[a] != nullptr; }
  /// Returns true when row `row` passes aggregate `a`'s FILTER (TRUE; NULL and FALSE fail).
  bool Passes(size_t a, size_t row) const {
    return filters_[a] == nullptr || filter_masks_[a][row] != 0;
  }

  size_t num_aggregates() const { return functions_.size(); }
  const expr::AggregateFunction& function(size_t a) const { return *functions_[a]; }
  std::vector<const expr::AggregateFunction*> function_pointers() const;
  std::vector<LogicalType> key_types() const;

 private:
  /// An input expression: a column reference (used in place) or a compiled expression.
  struct Input {
    sql::BoundExprPtr bound;
    std::unique_ptr<expr::CompiledExpr> compiled;  // null for a column reference
  };

  static Result<Input> Compile(const sql::BoundExprPtr& expr,
                               const expr::FunctionRegistry& registry);
  Result<const Column*> EvaluateInput(const Input& input, const Batch& batch,
                                      const expr::EvalContext& context);

  std::vector<Input> keys_;
  std::vector<std::unique_ptr<Input>> args_;     // null for COUNT(*)
  std::vector<std::unique_ptr<Input>> filters_;  // null without FILTER
  std::vector<std::unique_ptr<expr::AggregateFunction>> functions_;

  std::vector<ColumnPtr> evaluated_;  // keeps this batch's computed columns alive
  std::vector<const Column*> key_columns_;
  std::vector<const Column*> arg_columns_;
  std::vector<std::vector<uint8_t>> filter_masks_;
};

}  // namespace sluice::runtime
