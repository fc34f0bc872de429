#pragma once

#include <vector>

#include "expr/expr_node.h"

namespace sluice::expr {

/// CASE WHEN c1 THEN v1 ... ELSE e END (IF is one branch) and COALESCE(a, b, ...). Each value
/// is evaluated only on the rows that take it, so a branch never fails on rows it does not
/// produce (CASE WHEN b <> 0 THEN a / b END is safe). Values must already have the node's type.
class CaseNode final : public ExprNode {
 public:
  /// CASE: `conditions` has one entry per value except the last (the ELSE value).
  CaseNode(LogicalType type, std::vector<ExprNodePtr> conditions, std::vector<ExprNodePtr> values);
  /// COALESCE: no conditions; each value is tried where the previous ones were NULL.
  CaseNode(LogicalType type, std::vector<ExprNodePtr> values);

  Result<Operand> Eval(const EvalInput& in) const override;

 private:
  bool coalesce_;
  std::vector<ExprNodePtr> conditions_;
  std::vector<ExprNodePtr> values_;
};

/// Three-valued AND / OR: the right side is evaluated only on rows the left side does not
/// decide (AND: left not FALSE; OR: left not TRUE).
class LogicNode final : public ExprNode {
 public:
  LogicNode(bool is_and, ExprNodePtr left, ExprNodePtr right);

  Result<Operand> Eval(const EvalInput& in) const override;

 private:
  bool is_and_;
  ExprNodePtr left_;
  ExprNodePtr right_;
};

}  // namespace sluice::expr
