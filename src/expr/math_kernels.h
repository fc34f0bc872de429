#pragma once

#include <string>
#include <vector>

#include "expr/expr_node.h"

namespace sluice::expr {

/// ABS, ROUND(x[, d]) (HALF_UP; a DECIMAL keeps its scale), FLOOR, CEIL and POWER (DOUBLE).
class MathKernels {
 public:
  /// Builds the node for `name` over compiled `args`, the result being of `type`.
  static Result<ExprNodePtr> Compile(const std::string& name, std::vector<ExprNodePtr> args,
                                     const LogicalType& type);
};

}  // namespace sluice::expr
