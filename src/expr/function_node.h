#pragma once

#include <memory>
#include <vector>

#include "expr/expr_node.h"

namespace sluice::expr {

/// Applies a kernel to its evaluated arguments: one column per argument, one call per batch.
/// When every argument is constant the kernel runs once and the result is constant. Immutable.
class FunctionNode final : public ExprNode {
 public:
  /// `propagate_nulls`: rows with any NULL argument are NULL (marked before the kernel runs).
  FunctionNode(LogicalType type, Kernel kernel, std::vector<ExprNodePtr> args,
               std::unique_ptr<KernelState> state = nullptr, bool propagate_nulls = true);

  Result<Operand> Eval(const EvalInput& in) const override;

 private:
  Kernel kernel_;
  std::vector<ExprNodePtr> args_;
  std::unique_ptr<KernelState> state_;
  bool propagate_nulls_;
};

}  // namespace sluice::expr
