#pragma once

#include <string>
#include <vector>

#include "expr/expr_node.h"
#include "sql/bound_expr.h"

namespace sluice::expr {

/// Flink's JSON functions over strings (JSON_VALUE is a string kernel):
/// - JSON_QUERY(json, path): the object or array at `path` as compact JSON text; NULL when the
///   path is missing, names a scalar, or the text is not JSON (NULL ON EMPTY / ON ERROR);
/// - JSON_EXISTS(json, path): whether `path` exists (FALSE for text that is not JSON);
/// - JSON_OBJECT(mode, k1, v1, ...) and JSON_ARRAY(mode, v1, ...), as the parser writes
///   JSON_OBJECT(KEY k VALUE v ...) and JSON_ARRAY(v ...): JSON text of the values (strings
///   quoted, numbers and booleans bare, times as strings, the result of a nested JSON_OBJECT or
///   JSON_ARRAY as JSON); NULL values written as null (mode 'NULL') or left out ('ABSENT').
/// Stateless; the nodes are immutable.
class JsonFunctions {
 public:
  static bool Handles(const std::string& name);
  /// Returns the result type, or kPlanError naming the expected arguments.
  static Result<LogicalType> Resolve(const std::string& name, const std::vector<LogicalType>& args);
  /// Compiles the call `expr` over its compiled arguments.
  static Result<ExprNodePtr> Compile(const sql::BoundExpr& expr, std::vector<ExprNodePtr> args);
};

}  // namespace sluice::expr
