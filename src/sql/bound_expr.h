#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sql/source_pos.h"
#include "types/logical_type.h"
#include "types/value.h"

namespace sluice::sql {

enum class BoundExprKind {
  kColumnRef,  // `column`: index of a field of the input schema
  kLiteral,    // `literal`
  kCall,       // `function` applied to `args`
  kCast,       // args[0] cast to `type`; `try_cast` yields NULL instead of an error
};

struct BoundExpr;
using BoundExprPtr = std::shared_ptr<const BoundExpr>;

/// A type-checked scalar expression over the rows of one input schema. Produced by the binder,
/// compiled by expr::ExpressionCompiler.
///
/// Canonical `function` names for kCall (args in order):
/// - arithmetic: "+", "-", "*", "/", "%", "NEGATE" (1 arg). Operands may mix numeric types;
///   `type` is the result type. "+"/"-" also take (TIMESTAMP, INTERVAL) and (INTERVAL, INTERVAL).
/// - comparison: "=", "<>", "<", "<=", ">", ">=" (operands of comparable types).
/// - logic: "AND", "OR", "NOT" (three-valued), "IS_NULL", "IS_NOT_NULL".
/// - "IN": args[0] IN (args[1..]); "LIKE": (value, pattern);
/// - "CASE": when1, then1, ..., whenN, thenN, else (always present; NULL literal if absent);
/// - scalar functions by their Flink names: COALESCE, IF, ABS, ROUND, FLOOR, CEIL, MOD, POWER,
///   LOWER, UPPER, TRIM, CONCAT ("||" binds to CONCAT), SUBSTRING, CHAR_LENGTH, REGEXP_EXTRACT,
///   JSON_VALUE, TO_TIMESTAMP, TO_TIMESTAMP_LTZ, FROM_UNIXTIME, UNIX_TIMESTAMP, DATE_FORMAT,
///   TIMESTAMPDIFF (args[0] is a STRING literal unit: SECOND, MINUTE, HOUR, DAY, MONTH, YEAR),
///   CURRENT_TIMESTAMP, PROCTIME.
struct BoundExpr {
  BoundExprKind kind = BoundExprKind::kLiteral;
  LogicalType type;
  SourcePos pos;
  size_t column = 0;
  Value literal;
  std::string function;
  std::vector<BoundExprPtr> args;
  bool try_cast = false;

  /// Returns a readable rendering, e.g. "($2 * $3)", "UPPER($0)", "CAST($1 AS BIGINT)",
  /// naming columns by `names` when given.
  std::string ToString(const std::vector<std::string>* names = nullptr) const;
};

BoundExprPtr MakeColumnRef(size_t column, LogicalType type);
BoundExprPtr MakeLiteral(Value value);
BoundExprPtr MakeCall(std::string function, std::vector<BoundExprPtr> args, LogicalType type);
BoundExprPtr MakeCast(BoundExprPtr arg, LogicalType type, bool try_cast);

/// An aggregate call: COUNT, SUM, AVG, MIN, MAX (and later more), with its argument and FILTER
/// predicate bound over the aggregation's input schema.
struct BoundAggregate {
  std::string function;  // upper-case
  bool count_star = false;
  bool distinct = false;
  BoundExprPtr arg;     // null for COUNT(*)
  BoundExprPtr filter;  // null when there is no FILTER clause
  LogicalType type;     // result type
  SourcePos pos;        // the call in the query text
  std::string ToString(const std::vector<std::string>* names = nullptr) const;
};

}  // namespace sluice::sql
