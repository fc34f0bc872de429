#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/token_cursor.h"

namespace sluice::sql {

/// Parses scalar expressions of Flink SQL into AstExpr trees. Precedence, loosest first:
/// OR; AND; NOT; comparison (= <> != < <= > >=), IS [NOT] NULL, [NOT] IN, [NOT] BETWEEN,
/// [NOT] LIKE; ||; binary + -; * / %; unary - +; postfix `[index]`. Binary operators associate
/// to the left.
/// `!=` is stored as "<>". A binary, IN, BETWEEN, LIKE or IS node is positioned at its operator;
/// every other node at its first token.
///
/// Borrows the cursor; each Parse() call parses one expression at the cursor and leaves the
/// cursor after it. Not thread-safe.
class ExprParser {
 public:
  explicit ExprParser(TokenCursor& cursor) : cursor_(cursor) {}

  /// Parses one expression (an OR-level expression).
  Result<AstExprPtr> Parse();
  /// Parses a window specification at '(' : `([name] [PARTITION BY e, ..] [ORDER BY e
  /// [ASC|DESC]] [ROWS|RANGE [BETWEEN] bound [AND CURRENT ROW]])`, bound being `UNBOUNDED
  /// PRECEDING`, `CURRENT ROW` or `expr PRECEDING`.
  Result<std::shared_ptr<OverWindowAst>> ParseWindowSpec();

 private:
  using Level = Result<AstExprPtr> (ExprParser::*)();

  /// Parses `next (op next)*` for the word or symbol operators `ops`.
  Result<AstExprPtr> ParseLeftAssociative(std::initializer_list<std::string_view> ops, Level next);
  Result<AstExprPtr> ParseOr();
  Result<AstExprPtr> ParseAnd();
  Result<AstExprPtr> ParseNot();
  Result<AstExprPtr> ParseComparison();
  /// Parses the IN / BETWEEN / LIKE / IS suffix after `left`; sets *matched when there was one.
  Result<AstExprPtr> ParsePredicate(AstExprPtr left, bool* matched);
  /// `left IS [NOT] DISTINCT FROM right` after DISTINCT: an IS_[NOT_]DISTINCT_FROM call.
  Result<AstExprPtr> ParseDistinctFrom(AstExprPtr left, bool negated, SourcePos pos);
  Result<AstExprPtr> ParseConcat();
  Result<AstExprPtr> ParseAdditive();
  Result<AstExprPtr> ParseMultiplicative();
  Result<AstExprPtr> ParseUnary();
  /// Parses a primary followed by `[index]` (an ITEM call) and `.field` after it (a $FIELD call
  /// whose `text` is the field name).
  Result<AstExprPtr> ParsePostfix();
  Result<AstExprPtr> ParsePrimary();
  Result<AstExprPtr> ParseWord();
  Result<AstExprPtr> ParseNamePath();
  Result<AstExprPtr> ParseFunctionCall();
  /// Parses `ARRAY[a, ...]` or `MAP[k, v, ...]` into an ARRAY or MAP call.
  Result<AstExprPtr> ParseCollection();
  /// Parses `JSON_OBJECT([KEY] k VALUE v, ... [NULL | ABSENT ON NULL])` and `JSON_ARRAY(v, ...
  /// [NULL | ABSENT ON NULL])`; args[0] is a kString literal "NULL" or "ABSENT" (the default:
  /// NULL for JSON_OBJECT, ABSENT for JSON_ARRAY), then the keys and values in order.
  Result<AstExprPtr> ParseJsonConstructor();
  /// Parses `OVER name` or `OVER (spec)` after a call.
  Status ParseOver(AstExpr* call);
  Status ParseFrame(OverWindowAst* window);
  Result<AstExprPtr> ParseCase();
  Result<AstExprPtr> ParseCast();
  Result<AstExprPtr> ParseInterval();
  Result<AstExprPtr> ParseTypedString(LiteralKind kind);
  Result<AstExprPtr> ParseSubstring();
  Result<AstExprPtr> ParseTrim();
  Result<AstExprPtr> ParseTimeUnitFunction();
  Result<AstExprPtr> ParseExtract();
  /// Parses "expr (, expr)*" into `out`.
  Status ParseExprList(std::vector<AstExprPtr>* out);
  /// Parses a time unit word for TIMESTAMPDIFF / TIMESTAMPADD / EXTRACT into a kString literal.
  Result<AstExprPtr> ParseTimeUnit();

  TokenCursor& cursor_;
};

}  // namespace sluice::sql
