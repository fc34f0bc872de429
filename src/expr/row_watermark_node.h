#pragma once

#include "expr/expr_node.h"

namespace sluice::expr {

/// CURRENT_WATERMARK(rowtime) (Flink's function): per row, the watermark in force just before
/// the row was consumed (`Batch::row_watermarks`), as a TIMESTAMP(3); NULL while there is no
/// watermark yet or when the stream does not track row watermarks. The argument only names the
/// rowtime attribute and is not evaluated. Immutable.
class RowWatermarkNode final : public ExprNode {
 public:
  explicit RowWatermarkNode(LogicalType type) : ExprNode(type) {}

  Result<Operand> Eval(const EvalInput& in) const override;
};

}  // namespace sluice::expr
