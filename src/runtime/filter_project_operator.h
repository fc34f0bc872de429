#pragma once

#include <memory>
#include <string>
#include <vector>

#include "expr/compiled_expr.h"
#include "expr/function_registry.h"
#include "runtime/operator.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// Filters rows by an optional predicate and computes output columns from projection
/// expressions (a kFilter node, a kProject node, or a kProject directly over a kFilter, fused).
/// Surviving rows keep their row kinds and row watermarks; watermarks are forwarded unchanged.
/// Column references are passed through without copying when every row survives. Batches that
/// lose every row are not forwarded. Lifecycle as Operator; single-threaded.
class FilterProjectOperator : public Operator {
 public:
  /// Returns true when `node` is a kProject whose input is a kFilter: Create then fuses both,
  /// and the operator's input is the filter's input.
  static bool FusesInputFilter(const sql::PlanNode& node);

  /// Builds the operator for a kFilter or kProject `node` (fusing a kFilter input, see above).
  static Result<std::unique_ptr<FilterProjectOperator>> Create(
      const sql::PlanNode& node, const expr::FunctionRegistry& registry);
  /// Builds the operator from its parts: `predicate` may be null; empty `exprs` passes every
  /// input column through; `schema` is the output schema.
  static Result<std::unique_ptr<FilterProjectOperator>> Create(
      const sql::BoundExprPtr& predicate, const std::vector<sql::BoundExprPtr>& exprs,
      SchemaPtr schema, const expr::FunctionRegistry& registry);

  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  Status Finish() override;
  std::string Describe() const override;

 private:
  FilterProjectOperator() = default;
  Result<ColumnPtr> Project(size_t e, const Batch& batch, bool all_rows);

  SchemaPtr schema_;
  sql::BoundExprPtr predicate_bound_;
  std::unique_ptr<expr::CompiledExpr> predicate_;
  std::vector<sql::BoundExprPtr> exprs_bound_;
  std::vector<std::unique_ptr<expr::CompiledExpr>> exprs_;  // null for column references
  expr::EvalContext context_;
  expr::SelectionVector selection_;
};

}  // namespace sluice::runtime
