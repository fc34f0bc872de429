#pragma once

#include <string>

#include "expr/expr_node.h"

namespace sluice::expr {

/// Kernels of = <> < <= > >= over two operands of one physical type (int64, double, bool,
/// string; strings compare bytewise), NOT, IS_NULL / IS_NOT_NULL and LIKE.
class ComparisonKernels {
 public:
  static Kernel Compare(const std::string& op, PhysicalType physical);
  static Kernel Not();
  /// Whether the two operands (one physical layout, nested ones included) are equal (`equal`)
  /// or not, as CellEquality compares them: NULL equals NULL at every level. Build its
  /// FunctionNode with propagate_nulls for = and <> of nested values (a NULL operand is NULL),
  /// without it for IS [NOT] DISTINCT FROM.
  static Kernel CellsEqual(bool equal);
  /// Does not propagate NULLs: build its FunctionNode with propagate_nulls false.
  static Kernel IsNull(bool negated);
  /// `value LIKE pattern` with % (any run) and _ (one character); no escape character.
  static Kernel Like();
  /// Returns whether `value` matches the LIKE `pattern`.
  static bool LikeMatch(std::string_view value, std::string_view pattern);
};

}  // namespace sluice::expr
