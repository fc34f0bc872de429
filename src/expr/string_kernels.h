#pragma once

#include <string>
#include <vector>

#include "expr/expr_node.h"
#include "sql/bound_expr.h"

namespace sluice::expr {

/// LOWER, UPPER (ASCII letters), TRIM(mode, chars, s) as the parser produces it (mode the literal
/// 'BOTH', 'LEADING' or 'TRAILING'; removes the characters of chars), CONCAT (NULL if any argument
/// is NULL),
/// SUBSTRING (1-based, in characters), CHAR_LENGTH (UTF-8 code points), REGEXP_EXTRACT
/// (std::regex, compiled once when the pattern is a literal; no match or a bad pattern is NULL)
/// and JSON_VALUE (simdjson; '$.a.b[0]' paths; non-scalar or missing values are NULL).
class StringKernels {
 public:
  static bool Handles(const std::string& name);
  static Result<ExprNodePtr> Compile(const sql::BoundExpr& expr, std::vector<ExprNodePtr> args,
                                     const LogicalType& type);
};

}  // namespace sluice::expr
