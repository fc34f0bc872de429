#pragma once

#include <string>
#include <vector>

#include "expr/expr_node.h"
#include "sql/bound_expr.h"

namespace sluice::expr {

/// Time functions, all in UTC: TO_TIMESTAMP, TO_TIMESTAMP_LTZ, FROM_UNIXTIME, UNIX_TIMESTAMP,
/// DATE_FORMAT, TIMESTAMPDIFF, and CURRENT_TIMESTAMP / NOW / PROCTIME / LOCALTIMESTAMP /
/// CURRENT_DATE (the EvalContext's processing time). Literal format patterns compile once.
class TimeKernels {
 public:
  static bool Handles(const std::string& name);
  static Result<ExprNodePtr> Compile(const sql::BoundExpr& expr, std::vector<ExprNodePtr> args,
                                     const LogicalType& type);
};

}  // namespace sluice::expr
