#include "sql/expr_parser.h"

#include <fmt/format.h>

#include <unordered_map>

#include "sql/reserved_words.h"
#include "sql/type_parser.h"

namespace sluice::sql {
namespace {

AstExprPtr MakeAstExpr(AstExprKind kind, SourcePos pos) {
  auto e = std::make_shared<AstExpr>();
  e->kind = kind;
  e->pos = pos;
  return e;
}

AstExprPtr MakeAstLiteral(LiteralKind kind, std::string text, SourcePos pos) {
  AstExprPtr e = MakeAstExpr(AstExprKind::kLiteral, pos);
  e->literal_kind = kind;
  e->text = std::move(text);
  return e;
}

std::string UpperCaseName(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

bool IsParenlessFunctionName(std::string_view upper) {
  return upper == "CURRENT_TIMESTAMP" || upper == "LOCALTIMESTAMP" || upper == "CURRENT_DATE" ||
         upper == "CURRENT_TIME" || upper == "LOCALTIME";
}

}  // namespace

Result<AstExprPtr> ExprParser::Parse() {
  TokenCursor::NestingGuard guard(cursor_);
  RETURN_IF_ERROR(guard.status());
  return ParseOr();
}

Result<AstExprPtr> ExprParser::ParseLeftAssociative(std::initializer_list<std::string_view> ops,
                                                    Level next) {
  ASSIGN_OR_RETURN(AstExprPtr left, (this->*next)());
  while (true) {
    const Token& t = cursor_.Peek();
    std::string_view matched;
    for (std::string_view op : ops) {
      if ((t.kind == TokenKind::kSymbol && t.text == op) ||
          (t.kind == TokenKind::kWord && t.upper == op)) {
        matched = op;
      }
    }
    if (matched.empty()) return left;
    SourcePos pos = cursor_.Next().pos;
    ASSIGN_OR_RETURN(AstExprPtr right, (this->*next)());
    AstExprPtr e = MakeAstExpr(AstExprKind::kBinary, pos);
    e->op = std::string(matched);
    e->args = {std::move(left), std::move(right)};
    left = std::move(e);
  }
}

Result<AstExprPtr> ExprParser::ParseOr() {
  return ParseLeftAssociative({"OR"}, &ExprParser::ParseAnd);
}

Result<AstExprPtr> ExprParser::ParseAnd() {
  return ParseLeftAssociative({"AND"}, &ExprParser::ParseNot);
}

Result<AstExprPtr> ExprParser::ParseNot() {
  if (!cursor_.IsKeyword("NOT")) return ParseComparison();
  TokenCursor::NestingGuard guard(cursor_);
  RETURN_IF_ERROR(guard.status());
  AstExprPtr e = MakeAstExpr(AstExprKind::kUnary, cursor_.Next().pos);
  e->op = "NOT";
  ASSIGN_OR_RETURN(AstExprPtr operand, ParseNot());
  e->args.push_back(std::move(operand));
  return e;
}

Result<AstExprPtr> ExprParser::ParseComparison() {
  ASSIGN_OR_RETURN(AstExprPtr left, ParseConcat());
  while (true) {
    const Token& t = cursor_.Peek();
    if (t.kind == TokenKind::kSymbol &&
        (t.text == "=" || t.text == "<>" || t.text == "!=" || t.text == "<" || t.text == "<=" ||
         t.text == ">" || t.text == ">=")) {
      AstExprPtr e = MakeAstExpr(AstExprKind::kBinary, t.pos);
      e->op = t.text == "!=" ? "<>" : t.text;
      cursor_.Next();
      ASSIGN_OR_RETURN(AstExprPtr right, ParseConcat());
      e->args = {std::move(left), std::move(right)};
      left = std::move(e);
      continue;
    }
    bool matched = false;
    ASSIGN_OR_RETURN(left, ParsePredicate(std::move(left), &matched));
    if (!matched) return left;
  }
}

Result<AstExprPtr> ExprParser::ParsePredicate(AstExprPtr left, bool* matched) {
  *matched = false;
  SourcePos pos = cursor_.Peek().pos;
  if (cursor_.AcceptKeyword("IS")) {
    *matched = true;
    AstExprPtr e = MakeAstExpr(AstExprKind::kIsNull, pos);
    e->negated = cursor_.AcceptKeyword("NOT");
    if (cursor_.AcceptKeyword("DISTINCT"))
      return ParseDistinctFrom(std::move(left), e->negated, pos);
    if (!cursor_.AcceptKeyword("NULL")) {
      return cursor_.ErrorHere(e->negated ? "'NULL' or 'DISTINCT'" : "'NULL', 'NOT' or 'DISTINCT'");
    }
    e->args.push_back(std::move(left));
    return e;
  }
  bool negated = false;
  size_t ahead = 0;
  if (cursor_.IsKeyword("NOT") && (cursor_.IsKeyword("IN", 1) || cursor_.IsKeyword("BETWEEN", 1) ||
                                   cursor_.IsKeyword("LIKE", 1))) {
    negated = true;
    ahead = 1;
  }
  AstExprPtr e;
  if (cursor_.IsKeyword("IN", ahead)) {
    e = MakeAstExpr(AstExprKind::kIn, pos);
  } else if (cursor_.IsKeyword("BETWEEN", ahead)) {
    e = MakeAstExpr(AstExprKind::kBetween, pos);
  } else if (cursor_.IsKeyword("LIKE", ahead)) {
    e = MakeAstExpr(AstExprKind::kLike, pos);
  } else {
    return left;
  }
  *matched = true;
  if (negated) cursor_.Next();
  cursor_.Next();
  e->negated = negated;
  e->args.push_back(std::move(left));
  if (e->kind == AstExprKind::kIn) {
    RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
    if (cursor_.IsKeyword("SELECT")) {
      return cursor_.ErrorHere("a list of values (IN with a subquery is not supported)");
    }
    RETURN_IF_ERROR(ParseExprList(&e->args));
    if (!cursor_.AcceptSymbol(")")) return cursor_.ErrorHere("')' or ','");
  } else if (e->kind == AstExprKind::kBetween) {
    ASSIGN_OR_RETURN(AstExprPtr low, ParseConcat());
    RETURN_IF_ERROR(cursor_.ExpectKeyword("AND"));
    ASSIGN_OR_RETURN(AstExprPtr high, ParseConcat());
    e->args.push_back(std::move(low));
    e->args.push_back(std::move(high));
  } else {
    ASSIGN_OR_RETURN(AstExprPtr pattern, ParseConcat());
    e->args.push_back(std::move(pattern));
  }
  return e;
}

Result<AstExprPtr> ExprParser::ParseDistinctFrom(AstExprPtr left, bool negated, SourcePos pos) {
  RETURN_IF_ERROR(cursor_.ExpectKeyword("FROM"));
  ASSIGN_OR_RETURN(AstExprPtr right, ParseConcat());
  AstExprPtr e = MakeAstExpr(AstExprKind::kFunction, pos);
  e->name_parts = {negated ? "IS_NOT_DISTINCT_FROM" : "IS_DISTINCT_FROM"};
  e->args.push_back(std::move(left));
  e->args.push_back(std::move(right));
  return e;
}

Result<AstExprPtr> ExprParser::ParseConcat() {
  return ParseLeftAssociative({"||"}, &ExprParser::ParseAdditive);
}

Result<AstExprPtr> ExprParser::ParseAdditive() {
  return ParseLeftAssociative({"+", "-"}, &ExprParser::ParseMultiplicative);
}

Result<AstExprPtr> ExprParser::ParseMultiplicative() {
  return ParseLeftAssociative({"*", "/", "%"}, &ExprParser::ParseUnary);
}

Result<AstExprPtr> ExprParser::ParseUnary() {
  if (!cursor_.IsSymbol("-") && !cursor_.IsSymbol("+")) return ParsePostfix();
  TokenCursor::NestingGuard guard(cursor_);
  RETURN_IF_ERROR(guard.status());
  const Token& op = cursor_.Next();
  AstExprPtr e = MakeAstExpr(AstExprKind::kUnary, op.pos);
  e->op = op.text;
  ASSIGN_OR_RETURN(AstExprPtr operand, ParseUnary());
  e->args.push_back(std::move(operand));
  return e;
}

Result<AstExprPtr> ExprParser::ParsePostfix() {
  ASSIGN_OR_RETURN(AstExprPtr e, ParsePrimary());
  while (cursor_.IsSymbol("[")) {
    TokenCursor::NestingGuard guard(cursor_);
    RETURN_IF_ERROR(guard.status());
    AstExprPtr item = MakeAstExpr(AstExprKind::kFunction, cursor_.Next().pos);
    item->name_parts = {"ITEM"};
    item->args.push_back(std::move(e));
    ASSIGN_OR_RETURN(AstExprPtr index, Parse());
    item->args.push_back(std::move(index));
    RETURN_IF_ERROR(cursor_.ExpectSymbol("]"));
    e = std::move(item);
    while (cursor_.IsSymbol(".")) {
      const Token& dot = cursor_.Next();
      AstExprPtr field = MakeAstExpr(AstExprKind::kFunction, dot.pos);
      field->name_parts = {"$FIELD"};
      ASSIGN_OR_RETURN(field->text, cursor_.ExpectName("a field name after '.'"));
      field->args.push_back(std::move(e));
      e = std::move(field);
    }
  }
  return e;
}

Result<AstExprPtr> ExprParser::ParsePrimary() {
  const Token& t = cursor_.Peek();
  switch (t.kind) {
    case TokenKind::kInteger:
      return MakeAstLiteral(LiteralKind::kInteger, cursor_.Next().text, t.pos);
    case TokenKind::kDecimal:
      return MakeAstLiteral(LiteralKind::kDecimal, cursor_.Next().text, t.pos);
    case TokenKind::kDouble:
      return MakeAstLiteral(LiteralKind::kDouble, cursor_.Next().text, t.pos);
    case TokenKind::kString:
      return MakeAstLiteral(LiteralKind::kString, cursor_.Next().text, t.pos);
    case TokenKind::kQuotedName:
      return cursor_.IsSymbol("(", 1) ? ParseFunctionCall() : ParseNamePath();
    case TokenKind::kWord:
      return ParseWord();
    default:
      break;
  }
  if (cursor_.IsSymbol("(")) {
    cursor_.Next();
    if (cursor_.IsKeyword("SELECT")) {
      return cursor_.ErrorHere("an expression (subqueries in expressions are not supported)");
    }
    ASSIGN_OR_RETURN(AstExprPtr inner, Parse());
    RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
    return inner;
  }
  return cursor_.ErrorHere("an expression");
}

Result<AstExprPtr> ExprParser::ParseWord() {
  const Token& t = cursor_.Peek();
  const std::string& w = t.upper;
  if (w == "TRUE" || w == "FALSE")
    return MakeAstLiteral(LiteralKind::kBoolean, cursor_.Next().upper, t.pos);
  if (w == "NULL") return MakeAstLiteral(LiteralKind::kNull, cursor_.Next().upper, t.pos);
  if (w == "CASE") return ParseCase();
  if (w == "INTERVAL") return ParseInterval();
  if ((w == "TIMESTAMP" || w == "DATE") && cursor_.Peek(1).kind == TokenKind::kString) {
    return ParseTypedString(w == "DATE" ? LiteralKind::kDate : LiteralKind::kTimestamp);
  }
  if (IsParenlessFunctionName(w)) {
    AstExprPtr e = MakeAstExpr(AstExprKind::kFunction, t.pos);
    e->name_parts = {cursor_.Next().upper};
    return e;
  }
  if ((w == "ARRAY" || w == "MAP") && cursor_.IsSymbol("[", 1)) return ParseCollection();
  if ((w == "JSON_OBJECT" || w == "JSON_ARRAY") && cursor_.IsSymbol("(", 1)) {
    return ParseJsonConstructor();
  }
  if (!cursor_.IsSymbol("(", 1)) {
    if (!cursor_.AtName()) return cursor_.ExpectName("an expression").status();
    return ParseNamePath();
  }
  if (w == "CAST" || w == "TRY_CAST") return ParseCast();
  if (w == "SUBSTRING") return ParseSubstring();
  if (w == "TRIM") return ParseTrim();
  if (w == "TIMESTAMPDIFF" || w == "TIMESTAMPADD") return ParseTimeUnitFunction();
  if (w == "EXTRACT") return ParseExtract();
  if (IsReservedWord(w) && !IsReservedFunctionName(w)) {
    return cursor_.ExpectName("an expression").status();
  }
  return ParseFunctionCall();
}

Result<AstExprPtr> ExprParser::ParseNamePath() {
  AstExprPtr e = MakeAstExpr(AstExprKind::kIdentifier, cursor_.Peek().pos);
  ASSIGN_OR_RETURN(std::string first, cursor_.ExpectName("a column name"));
  e->name_parts.push_back(std::move(first));
  while (cursor_.IsSymbol(".")) {
    const Token& part = cursor_.Peek(1);
    if (part.kind != TokenKind::kWord && part.kind != TokenKind::kQuotedName) {
      cursor_.Next();
      return cursor_.ErrorHere("a column name after '.'");
    }
    cursor_.Next();
    e->name_parts.push_back(cursor_.Next().text);
  }
  return e;
}

Result<AstExprPtr> ExprParser::ParseCollection() {
  TokenCursor::NestingGuard guard(cursor_);
  RETURN_IF_ERROR(guard.status());
  const Token& name = cursor_.Next();
  AstExprPtr e = MakeAstExpr(AstExprKind::kFunction, name.pos);
  e->name_parts = {name.upper};
  cursor_.Next();  // [
  if (!cursor_.IsSymbol("]")) RETURN_IF_ERROR(ParseExprList(&e->args));
  if (!cursor_.AcceptSymbol("]")) return cursor_.ErrorHere("']' or ','");
  return e;
}

Result<AstExprPtr> ExprParser::ParseJsonConstructor() {
  TokenCursor::NestingGuard guard(cursor_);
  RETURN_IF_ERROR(guard.status());
  const Token& name = cursor_.Next();
  const bool object = name.upper == "JSON_OBJECT";
  AstExprPtr e = MakeAstExpr(AstExprKind::kFunction, name.pos);
  e->name_parts = {name.upper};
  cursor_.Next();  // (
  // Flink's defaults: JSON_OBJECT keeps NULL values, JSON_ARRAY leaves them out.
  e->args.push_back(MakeAstLiteral(LiteralKind::kString, object ? "NULL" : "ABSENT", name.pos));
  auto at_on_null = [&] {
    return (cursor_.IsKeyword("NULL") || cursor_.IsKeyword("ABSENT")) &&
           cursor_.IsKeyword("ON", 1) && cursor_.IsKeyword("NULL", 2);
  };
  bool first = true;
  while (!cursor_.IsSymbol(")") && !at_on_null()) {
    if (!first) RETURN_IF_ERROR(cursor_.ExpectSymbol(","));
    first = false;
    if (object) {
      if (cursor_.IsKeyword("KEY") && !cursor_.IsKeyword("VALUE", 1)) cursor_.Next();
      ASSIGN_OR_RETURN(AstExprPtr key, Parse());
      e->args.push_back(std::move(key));
      RETURN_IF_ERROR(cursor_.ExpectKeyword("VALUE"));
    }
    ASSIGN_OR_RETURN(AstExprPtr value, Parse());
    e->args.push_back(std::move(value));
  }
  if (at_on_null()) {
    e->args[0]->text = cursor_.Next().upper;
    cursor_.Next();
    cursor_.Next();
  }
  if (!cursor_.AcceptSymbol(")")) return cursor_.ErrorHere("')' or ','");
  return e;
}

Status ExprParser::ParseExprList(std::vector<AstExprPtr>* out) {
  do {
    ASSIGN_OR_RETURN(AstExprPtr arg, Parse());
    out->push_back(std::move(arg));
  } while (cursor_.AcceptSymbol(","));
  return Status::Ok();
}

Result<AstExprPtr> ExprParser::ParseFunctionCall() {
  const Token& name = cursor_.Next();
  AstExprPtr e = MakeAstExpr(AstExprKind::kFunction, name.pos);
  e->name_parts = {UpperCaseName(name.text)};
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  if (cursor_.IsSymbol("*") && cursor_.IsSymbol(")", 1)) {
    cursor_.Next();
    e->star_arg = true;
  } else if (!cursor_.IsSymbol(")")) {
    if (cursor_.AcceptKeyword("DISTINCT")) {
      e->distinct = true;
    } else {
      cursor_.AcceptKeyword("ALL");
    }
    RETURN_IF_ERROR(ParseExprList(&e->args));
  }
  if (!cursor_.AcceptSymbol(")")) return cursor_.ErrorHere("')' or ','");
  if (cursor_.IsKeyword("FILTER") && cursor_.IsSymbol("(", 1)) {
    cursor_.Next();
    cursor_.Next();
    RETURN_IF_ERROR(cursor_.ExpectKeyword("WHERE"));
    ASSIGN_OR_RETURN(e->filter, Parse());
    RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
  }
  if (cursor_.IsKeyword("OVER")) RETURN_IF_ERROR(ParseOver(e.get()));
  return e;
}

Status ExprParser::ParseOver(AstExpr* call) {
  SourcePos pos = cursor_.Next().pos;
  if (!cursor_.IsSymbol("(")) {
    call->over = std::make_shared<OverWindowAst>();
    call->over->pos = pos;
    ASSIGN_OR_RETURN(call->over->base_name, cursor_.ExpectName("a window name or '('"));
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(call->over, ParseWindowSpec());
  return Status::Ok();
}

Result<std::shared_ptr<OverWindowAst>> ExprParser::ParseWindowSpec() {
  auto w = std::make_shared<OverWindowAst>();
  w->pos = cursor_.Peek().pos;
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  if (cursor_.AtName() && !cursor_.IsKeyword("PARTITION") && !cursor_.IsKeyword("ORDER") &&
      !cursor_.IsKeyword("ROWS") && !cursor_.IsKeyword("RANGE")) {
    w->base_name = cursor_.Next().text;
  }
  if (cursor_.AcceptKeyword("PARTITION")) {
    RETURN_IF_ERROR(cursor_.ExpectKeyword("BY"));
    RETURN_IF_ERROR(ParseExprList(&w->partition_by));
  }
  if (cursor_.AcceptKeyword("ORDER")) {
    RETURN_IF_ERROR(cursor_.ExpectKeyword("BY"));
    ASSIGN_OR_RETURN(w->order_by, Parse());
    if (cursor_.AcceptKeyword("DESC")) {
      w->descending = true;
    } else {
      cursor_.AcceptKeyword("ASC");
    }
  }
  if (cursor_.IsKeyword("ROWS") || cursor_.IsKeyword("RANGE")) RETURN_IF_ERROR(ParseFrame(w.get()));
  if (!cursor_.AcceptSymbol(")")) return cursor_.ErrorHere("')'");
  return w;
}

Status ExprParser::ParseFrame(OverWindowAst* w) {
  w->frame_pos = cursor_.Peek().pos;
  w->frame =
      cursor_.Next().upper == "ROWS" ? OverWindowAst::Frame::kRows : OverWindowAst::Frame::kRange;
  bool between = cursor_.AcceptKeyword("BETWEEN");
  if (cursor_.AcceptKeyword("UNBOUNDED")) {
    w->unbounded = true;
    RETURN_IF_ERROR(cursor_.ExpectKeyword("PRECEDING"));
  } else if (cursor_.AcceptKeyword("CURRENT")) {
    RETURN_IF_ERROR(cursor_.ExpectKeyword("ROW"));
  } else {
    ASSIGN_OR_RETURN(w->preceding, Parse());
    RETURN_IF_ERROR(cursor_.ExpectKeyword("PRECEDING"));
  }
  if (between) {
    RETURN_IF_ERROR(cursor_.ExpectKeyword("AND"));
    if (!cursor_.IsKeyword("CURRENT")) {
      return cursor_.ErrorHere(
          "'CURRENT ROW' (only frames ending at the current row are supported)");
    }
    cursor_.Next();
    RETURN_IF_ERROR(cursor_.ExpectKeyword("ROW"));
  }
  return Status::Ok();
}

Result<AstExprPtr> ExprParser::ParseCase() {
  AstExprPtr e = MakeAstExpr(AstExprKind::kCase, cursor_.Next().pos);
  if (!cursor_.IsKeyword("WHEN")) {
    ASSIGN_OR_RETURN(e->case_operand, Parse());
  }
  if (!cursor_.IsKeyword("WHEN")) return cursor_.ErrorHere("'WHEN'");
  while (cursor_.AcceptKeyword("WHEN")) {
    ASSIGN_OR_RETURN(AstExprPtr when, Parse());
    RETURN_IF_ERROR(cursor_.ExpectKeyword("THEN"));
    ASSIGN_OR_RETURN(AstExprPtr then, Parse());
    e->args.push_back(std::move(when));
    e->args.push_back(std::move(then));
  }
  if (cursor_.AcceptKeyword("ELSE")) {
    ASSIGN_OR_RETURN(e->else_expr, Parse());
  }
  if (!cursor_.AcceptKeyword("END")) {
    return cursor_.ErrorHere(e->else_expr ? "'END'" : "'WHEN', 'ELSE' or 'END'");
  }
  return e;
}

Result<AstExprPtr> ExprParser::ParseCast() {
  const Token& name = cursor_.Next();
  AstExprPtr e = MakeAstExpr(AstExprKind::kCast, name.pos);
  e->try_cast = name.upper == "TRY_CAST";
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  ASSIGN_OR_RETURN(AstExprPtr operand, Parse());
  e->args.push_back(std::move(operand));
  RETURN_IF_ERROR(cursor_.ExpectKeyword("AS"));
  ASSIGN_OR_RETURN(e->cast_type, TypeParser(cursor_).Parse());
  RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
  return e;
}

Result<AstExprPtr> ExprParser::ParseInterval() {
  SourcePos pos = cursor_.Next().pos;
  ASSIGN_OR_RETURN(std::string value,
                   cursor_.ExpectString("a quoted interval value, as in INTERVAL '5' SECOND"));
  static const std::unordered_map<std::string_view, std::string_view> kUnits = {
      {"MILLISECOND", "MILLISECOND"},
      {"MILLISECONDS", "MILLISECOND"},
      {"SECOND", "SECOND"},
      {"SECONDS", "SECOND"},
      {"MINUTE", "MINUTE"},
      {"MINUTES", "MINUTE"},
      {"HOUR", "HOUR"},
      {"HOURS", "HOUR"},
      {"DAY", "DAY"},
      {"DAYS", "DAY"},
  };
  const Token& unit = cursor_.Peek();
  auto it = unit.kind == TokenKind::kWord ? kUnits.find(unit.upper) : kUnits.end();
  if (it == kUnits.end()) {
    return cursor_.ErrorHere("an interval unit (MILLISECOND, SECOND, MINUTE, HOUR or DAY)");
  }
  cursor_.Next();
  AstExprPtr e = MakeAstLiteral(LiteralKind::kInterval, std::move(value), pos);
  e->interval_unit = std::string(it->second);
  return e;
}

Result<AstExprPtr> ExprParser::ParseTypedString(LiteralKind kind) {
  SourcePos pos = cursor_.Next().pos;
  return MakeAstLiteral(kind, cursor_.Next().text, pos);
}

Result<AstExprPtr> ExprParser::ParseSubstring() {
  AstExprPtr e = MakeAstExpr(AstExprKind::kFunction, cursor_.Next().pos);
  e->name_parts = {"SUBSTRING"};
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  ASSIGN_OR_RETURN(AstExprPtr str, Parse());
  e->args.push_back(std::move(str));
  if (cursor_.AcceptKeyword("FROM")) {
    ASSIGN_OR_RETURN(AstExprPtr start, Parse());
    e->args.push_back(std::move(start));
    if (cursor_.AcceptKeyword("FOR")) {
      ASSIGN_OR_RETURN(AstExprPtr length, Parse());
      e->args.push_back(std::move(length));
    }
    if (!cursor_.AcceptSymbol(")")) {
      return cursor_.ErrorHere(e->args.size() == 2 ? "'FOR' or ')'" : "')'");
    }
    return e;
  }
  while (cursor_.AcceptSymbol(",")) {
    ASSIGN_OR_RETURN(AstExprPtr arg, Parse());
    e->args.push_back(std::move(arg));
  }
  if (!cursor_.AcceptSymbol(")")) {
    return cursor_.ErrorHere(e->args.size() == 1 ? "'FROM', ',' or ')'" : "',' or ')'");
  }
  return e;
}

Result<AstExprPtr> ExprParser::ParseTrim() {
  AstExprPtr e = MakeAstExpr(AstExprKind::kFunction, cursor_.Next().pos);
  e->name_parts = {"TRIM"};
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  const Token& mode_token = cursor_.Peek();
  bool has_mode = cursor_.AcceptKeyword("BOTH") || cursor_.AcceptKeyword("LEADING") ||
                  cursor_.AcceptKeyword("TRAILING");
  AstExprPtr chars = MakeAstLiteral(LiteralKind::kString, " ", mode_token.pos);
  AstExprPtr source;
  if (cursor_.AcceptKeyword("FROM")) {
    ASSIGN_OR_RETURN(source, Parse());
  } else {
    ASSIGN_OR_RETURN(AstExprPtr first, Parse());
    if (cursor_.AcceptKeyword("FROM")) {
      chars = std::move(first);
      ASSIGN_OR_RETURN(source, Parse());
    } else if (has_mode) {
      return cursor_.ErrorHere("'FROM'");
    } else {
      source = std::move(first);
    }
  }
  RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
  e->args = {
      MakeAstLiteral(LiteralKind::kString, has_mode ? mode_token.upper : "BOTH", mode_token.pos),
      std::move(chars), std::move(source)};
  return e;
}

Result<AstExprPtr> ExprParser::ParseTimeUnit() {
  static const std::unordered_map<std::string_view, std::string_view> kUnits = {
      {"MILLISECOND", "MILLISECOND"},
      {"SECOND", "SECOND"},
      {"MINUTE", "MINUTE"},
      {"HOUR", "HOUR"},
      {"DAY", "DAY"},
      {"WEEK", "WEEK"},
      {"MONTH", "MONTH"},
      {"QUARTER", "QUARTER"},
      {"YEAR", "YEAR"},
  };
  const Token& t = cursor_.Peek();
  auto it = t.kind == TokenKind::kWord ? kUnits.find(t.upper) : kUnits.end();
  if (it == kUnits.end()) {
    return cursor_.ErrorHere(
        "a time unit (MILLISECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR)");
  }
  cursor_.Next();
  return MakeAstLiteral(LiteralKind::kString, std::string(it->second), t.pos);
}

Result<AstExprPtr> ExprParser::ParseTimeUnitFunction() {
  const Token& name = cursor_.Next();
  AstExprPtr e = MakeAstExpr(AstExprKind::kFunction, name.pos);
  e->name_parts = {name.upper};
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  ASSIGN_OR_RETURN(AstExprPtr unit, ParseTimeUnit());
  e->args.push_back(std::move(unit));
  for (int i = 0; i < 2; ++i) {
    RETURN_IF_ERROR(cursor_.ExpectSymbol(","));
    ASSIGN_OR_RETURN(AstExprPtr arg, Parse());
    e->args.push_back(std::move(arg));
  }
  RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
  return e;
}

Result<AstExprPtr> ExprParser::ParseExtract() {
  AstExprPtr e = MakeAstExpr(AstExprKind::kFunction, cursor_.Next().pos);
  e->name_parts = {"EXTRACT"};
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  ASSIGN_OR_RETURN(AstExprPtr unit, ParseTimeUnit());
  RETURN_IF_ERROR(cursor_.ExpectKeyword("FROM"));
  ASSIGN_OR_RETURN(AstExprPtr source, Parse());
  RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
  e->args = {std::move(unit), std::move(source)};
  return e;
}

}  // namespace sluice::sql
