#pragma once

#include <memory>

#include "common/status.h"
#include "expr/selection_vector.h"
#include "sql/bound_expr.h"
#include "types/batch.h"

namespace sluice::expr {

class FunctionRegistry;

/// Per-evaluation facts an expression may read: the processing time to use for PROCTIME() and
/// CURRENT_TIMESTAMP (recorded by the runtime so that replay is exact).
struct EvalContext {
  int64_t processing_time_ms = 0;
};

/// A scalar expression compiled for vectorized evaluation: a tree of column kernels, each
/// processing a whole column in a tight loop, with no per-row virtual calls or allocations.
/// Immutable after compilation; Evaluate may be called from one thread at a time per instance.
class CompiledExpr {
 public:
  virtual ~CompiledExpr() = default;

  /// Evaluates the expression for the rows of `batch` named by `selection` (all rows when null)
  /// and returns a column with one value per evaluated row, in order. Row-level failures (a bad
  /// CAST) are returned as kDataError naming the value; TRY_CAST yields NULL instead.
  virtual Result<ColumnPtr> Evaluate(const Batch& batch, const SelectionVector* selection,
                                     const EvalContext& context) const = 0;

  virtual const LogicalType& type() const = 0;
};

/// Compiles `expr`, whose column references index the schema of the batches it will see.
Result<std::unique_ptr<CompiledExpr>> CompileExpr(const sql::BoundExprPtr& expr,
                                                  const FunctionRegistry& registry);

/// Narrows `selection` (ascending row indexes of `batch`; pass every row to filter them all) to
/// the rows where `predicate` is TRUE (NULL and FALSE drop the row).
Status ApplyFilter(const CompiledExpr& predicate, const Batch& batch, const EvalContext& context,
                   SelectionVector* selection);

}  // namespace sluice::expr
