#include "sql/parser.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <optional>

#include "sql/expr_parser.h"
#include "sql/lexer.h"
#include "sql/token_cursor.h"
#include "sql/type_parser.h"

namespace sluice::sql {
namespace {

// The parameters of a window table-valued function, in positional order.
struct WindowTvfSignature {
  std::string_view name;
  std::vector<std::string_view> params;  // DATA, TIMECOL, then the interval parameters
  size_t required;
};

const WindowTvfSignature* FindWindowTvf(std::string_view upper) {
  static const std::array<WindowTvfSignature, 4> kSignatures = {{
      {"TUMBLE", {"DATA", "TIMECOL", "SIZE", "OFFSET"}, 3},
      {"HOP", {"DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"}, 4},
      {"CUMULATE", {"DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"}, 4},
      {"SESSION", {"DATA", "TIMECOL", "GAP"}, 3},
  }};
  for (const auto& s : kSignatures) {
    if (s.name == upper) return &s;
  }
  return nullptr;
}

/// Parses statements, queries, table references and DDL; expressions go to ExprParser and
/// types to TypeParser. One instance per token list; not thread-safe.
class Parser {
 public:
  Parser(const std::vector<Token>& tokens, std::string_view file_name, std::string_view text)
      : cursor_(tokens, file_name, text), exprs_(cursor_) {}

  Result<std::vector<Statement>> ParseStatements();
  Result<AstExprPtr> ParseLoneExpression();
  Result<LogicalType> ParseLoneType();

 private:
  Result<Statement> ParseStatement();
  /// Parses EXECUTE STATEMENT SET BEGIN insert; ... END, or the SQL client's
  /// BEGIN STATEMENT SET; insert; ... END, appending the INSERTs to `statements`.
  Status ParseStatementSet(std::vector<Statement>* statements);
  Result<Statement> ParseSet();
  Result<Statement> ParseCreate();
  Status ParseCreateTable(CreateTableStmt* table);
  Status ParseCreateView(CreateViewStmt* view);
  Result<Statement> ParseInsert();
  Result<Statement> ParseExplain();
  Result<Statement> ParseQueryStatement();
  bool AtQueryStart() const { return cursor_.IsKeyword("SELECT") || cursor_.IsSymbol("("); }
  bool AcceptIfNotExists();

  Status ParseTableElement(CreateTableStmt* table);
  Status ParseColumn(CreateTableStmt* table);
  Status ParseWatermark(CreateTableStmt* table);
  Status ParsePrimaryKey(CreateTableStmt* table);
  Status ParseNotEnforced();
  Status ParseOptions(CreateTableStmt* table);

  Result<std::string> ParseQualifiedName(std::string_view what);
  Result<std::vector<std::string>> ParseNameList(std::string_view what);
  Result<std::string> ParseOptionalAlias();

  Result<std::shared_ptr<Query>> ParseQuery();
  Status ParseQueryTerm(Query* query);
  Result<SelectStmt> ParseSelect();
  Result<SelectItem> ParseSelectItem();
  Result<TableRef> ParseTableRef();
  /// Parses `CROSS JOIN UNNEST(expr) [AS] alias [(names)]` after `left`.
  Result<TableRef> ParseUnnest(TableRef left);
  Result<TableRef> ParseTablePrimary();
  /// Parses `[INNER | LEFT | RIGHT | FULL [OUTER]] JOIN`; false when no join starts here.
  Result<bool> ParseJoinKind(JoinKind* kind);
  Result<TableRef> ParseWindowTvf();
  Status ParseWindowTvfArgs(const WindowTvfSignature& sig, TableRef* ref);
  Status ParseWindowTvfArg(size_t slot, TableRef* ref);

  TokenCursor cursor_;
  ExprParser exprs_;
};

Result<std::vector<Statement>> Parser::ParseStatements() {
  std::vector<Statement> statements;
  while (true) {
    while (cursor_.AcceptSymbol(";")) {
    }
    if (cursor_.AtEnd()) return statements;
    if (cursor_.IsKeyword("EXECUTE") ||
        (cursor_.IsKeyword("BEGIN") && cursor_.IsKeyword("STATEMENT", 1))) {
      RETURN_IF_ERROR(ParseStatementSet(&statements));
    } else {
      ASSIGN_OR_RETURN(Statement statement, ParseStatement());
      statements.push_back(std::move(statement));
    }
    if (cursor_.AtEnd()) return statements;
    if (!cursor_.AcceptSymbol(";")) return cursor_.ErrorHere("';' or end of input");
  }
}

Status Parser::ParseStatementSet(std::vector<Statement>* statements) {
  if (cursor_.AcceptKeyword("EXECUTE")) {
    RETURN_IF_ERROR(cursor_.ExpectKeyword("STATEMENT"));
    RETURN_IF_ERROR(cursor_.ExpectKeyword("SET"));
    RETURN_IF_ERROR(cursor_.ExpectKeyword("BEGIN"));
  } else {
    cursor_.Next();
    cursor_.Next();
    RETURN_IF_ERROR(cursor_.ExpectKeyword("SET"));
    RETURN_IF_ERROR(cursor_.ExpectSymbol(";"));
  }
  while (true) {
    while (cursor_.AcceptSymbol(";")) {
    }
    if (cursor_.AcceptKeyword("END")) return Status::Ok();
    if (!cursor_.IsKeyword("INSERT")) {
      return cursor_.ErrorHere("'INSERT' or 'END' (a statement set holds INSERT statements)");
    }
    ASSIGN_OR_RETURN(Statement insert, ParseInsert());
    statements->push_back(std::move(insert));
    if (!cursor_.IsSymbol(";") && !cursor_.IsKeyword("END")) return cursor_.ErrorHere("';'");
  }
}

Result<AstExprPtr> Parser::ParseLoneExpression() {
  ASSIGN_OR_RETURN(AstExprPtr e, exprs_.Parse());
  if (!cursor_.AtEnd()) return cursor_.ErrorHere("end of input");
  return e;
}

Result<LogicalType> Parser::ParseLoneType() {
  ASSIGN_OR_RETURN(LogicalType type, TypeParser(cursor_).Parse());
  if (cursor_.IsKeyword("NOT") && cursor_.IsKeyword("NULL", 1)) {
    cursor_.Next();
    cursor_.Next();
    type.nullable = false;
  }
  if (!cursor_.AtEnd()) return cursor_.ErrorHere("end of input");
  return type;
}

Result<Statement> Parser::ParseStatement() {
  if (cursor_.IsKeyword("SET")) return ParseSet();
  if (cursor_.IsKeyword("CREATE")) return ParseCreate();
  if (cursor_.IsKeyword("INSERT")) return ParseInsert();
  if (cursor_.IsKeyword("EXPLAIN")) return ParseExplain();
  if (AtQueryStart()) return ParseQueryStatement();
  return cursor_.ErrorHere("a statement (SET, CREATE, INSERT, SELECT or EXPLAIN)");
}

Result<Statement> Parser::ParseSet() {
  Statement s;
  s.kind = StatementKind::kSet;
  s.pos = cursor_.Next().pos;
  ASSIGN_OR_RETURN(s.set.key,
                   cursor_.ExpectString("a quoted key, as in SET 'pipeline.name' = 'orders'"));
  RETURN_IF_ERROR(cursor_.ExpectSymbol("="));
  ASSIGN_OR_RETURN(s.set.value, cursor_.ExpectString("a quoted value"));
  return s;
}

bool Parser::AcceptIfNotExists() {
  if (!cursor_.IsKeyword("IF") || !cursor_.IsKeyword("NOT", 1) || !cursor_.IsKeyword("EXISTS", 2)) {
    return false;
  }
  for (int i = 0; i < 3; ++i) cursor_.Next();
  return true;
}

Result<Statement> Parser::ParseCreate() {
  Statement s;
  s.pos = cursor_.Next().pos;
  cursor_.AcceptKeyword("TEMPORARY");
  if (cursor_.AcceptKeyword("TABLE")) {
    s.kind = StatementKind::kCreateTable;
    RETURN_IF_ERROR(ParseCreateTable(&s.create_table));
  } else if (cursor_.AcceptKeyword("VIEW")) {
    s.kind = StatementKind::kCreateView;
    RETURN_IF_ERROR(ParseCreateView(&s.create_view));
  } else {
    return cursor_.ErrorHere("'TABLE' or 'VIEW'");
  }
  return s;
}

Status Parser::ParseCreateTable(CreateTableStmt* table) {
  table->if_not_exists = AcceptIfNotExists();
  ASSIGN_OR_RETURN(table->name, ParseQualifiedName("a table name"));
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  while (true) {
    RETURN_IF_ERROR(ParseTableElement(table));
    if (cursor_.AcceptSymbol(")")) break;
    if (!cursor_.AcceptSymbol(",")) return cursor_.ErrorHere("',' or ')'");
  }
  if (cursor_.AcceptKeyword("COMMENT")) {
    RETURN_IF_ERROR(cursor_.ExpectString("a quoted comment").status());
  }
  if (cursor_.AcceptKeyword("WITH")) return ParseOptions(table);
  return Status::Ok();
}

Status Parser::ParseTableElement(CreateTableStmt* table) {
  if (cursor_.IsKeyword("WATERMARK") && cursor_.IsKeyword("FOR", 1)) return ParseWatermark(table);
  if (cursor_.AcceptKeyword("CONSTRAINT")) {
    RETURN_IF_ERROR(cursor_.ExpectName("a constraint name").status());
    if (!cursor_.IsKeyword("PRIMARY")) return cursor_.ErrorHere("'PRIMARY'");
  }
  if (cursor_.IsKeyword("PRIMARY")) return ParsePrimaryKey(table);
  return ParseColumn(table);
}

Status Parser::ParseColumn(CreateTableStmt* table) {
  ColumnDef column;
  column.pos = cursor_.Peek().pos;
  ASSIGN_OR_RETURN(column.name, cursor_.ExpectName("a column name"));
  if (cursor_.AcceptKeyword("AS")) {
    column.kind = ColumnKind::kComputed;
    ASSIGN_OR_RETURN(column.expr, exprs_.Parse());
  } else {
    ASSIGN_OR_RETURN(column.type, TypeParser(cursor_).Parse());
    if (cursor_.IsKeyword("NOT") && cursor_.IsKeyword("NULL", 1)) {
      cursor_.Next();
      cursor_.Next();
      column.type.nullable = false;
    } else {
      cursor_.AcceptKeyword("NULL");
    }
    if (cursor_.AcceptKeyword("METADATA")) {
      column.kind = ColumnKind::kMetadata;
      if (cursor_.AcceptKeyword("FROM")) {
        ASSIGN_OR_RETURN(column.metadata_key, cursor_.ExpectString("a quoted metadata key"));
      }
      column.is_virtual = cursor_.AcceptKeyword("VIRTUAL");
    } else if (cursor_.IsKeyword("PRIMARY")) {
      if (!table->primary_key.empty()) return cursor_.ErrorHere("one PRIMARY KEY per table");
      cursor_.Next();
      RETURN_IF_ERROR(cursor_.ExpectKeyword("KEY"));
      RETURN_IF_ERROR(ParseNotEnforced());
      table->primary_key = {column.name};
    }
  }
  if (cursor_.AcceptKeyword("COMMENT")) {
    RETURN_IF_ERROR(cursor_.ExpectString("a quoted comment").status());
  }
  table->columns.push_back(std::move(column));
  return Status::Ok();
}

Status Parser::ParseWatermark(CreateTableStmt* table) {
  if (table->watermark.has_value()) return cursor_.ErrorHere("one WATERMARK per table");
  cursor_.Next();
  cursor_.Next();
  WatermarkDef watermark;
  watermark.pos = cursor_.Peek().pos;
  ASSIGN_OR_RETURN(watermark.column, cursor_.ExpectName("the name of the event-time column"));
  RETURN_IF_ERROR(cursor_.ExpectKeyword("AS"));
  ASSIGN_OR_RETURN(watermark.expr, exprs_.Parse());
  table->watermark = std::move(watermark);
  return Status::Ok();
}

Status Parser::ParsePrimaryKey(CreateTableStmt* table) {
  if (!table->primary_key.empty()) return cursor_.ErrorHere("one PRIMARY KEY per table");
  cursor_.Next();
  RETURN_IF_ERROR(cursor_.ExpectKeyword("KEY"));
  ASSIGN_OR_RETURN(table->primary_key, ParseNameList("a column name"));
  return ParseNotEnforced();
}

Status Parser::ParseNotEnforced() {
  if (!cursor_.IsKeyword("NOT") || !cursor_.IsKeyword("ENFORCED", 1)) {
    return cursor_.ErrorHere("'NOT ENFORCED' (primary keys are declared, not enforced)");
  }
  cursor_.Next();
  cursor_.Next();
  return Status::Ok();
}

Status Parser::ParseOptions(CreateTableStmt* table) {
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  if (cursor_.AcceptSymbol(")")) return Status::Ok();
  while (true) {
    TableOption option;
    option.pos = cursor_.Peek().pos;
    ASSIGN_OR_RETURN(option.key,
                     cursor_.ExpectString("a quoted option key, as in 'connector' = 'kafka'"));
    for (const auto& previous : table->options) {
      if (previous.key == option.key) {
        return cursor_.ErrorAt(option.pos, "each option key once",
                               fmt::format("'{}' a second time", option.key));
      }
    }
    RETURN_IF_ERROR(cursor_.ExpectSymbol("="));
    ASSIGN_OR_RETURN(option.value, cursor_.ExpectString("a quoted option value"));
    table->options.push_back(std::move(option));
    if (cursor_.AcceptSymbol(")")) return Status::Ok();
    if (!cursor_.AcceptSymbol(",")) return cursor_.ErrorHere("',' or ')'");
  }
}

Status Parser::ParseCreateView(CreateViewStmt* view) {
  view->if_not_exists = AcceptIfNotExists();
  ASSIGN_OR_RETURN(view->name, ParseQualifiedName("a view name"));
  if (cursor_.IsSymbol("(")) {
    ASSIGN_OR_RETURN(view->columns, ParseNameList("a column name"));
  }
  RETURN_IF_ERROR(cursor_.ExpectKeyword("AS"));
  ASSIGN_OR_RETURN(view->query, ParseQuery());
  return Status::Ok();
}

Result<Statement> Parser::ParseInsert() {
  Statement s;
  s.kind = StatementKind::kInsert;
  s.pos = cursor_.Next().pos;
  RETURN_IF_ERROR(cursor_.ExpectKeyword("INTO"));
  s.insert.table_pos = cursor_.Peek().pos;
  ASSIGN_OR_RETURN(s.insert.table, ParseQualifiedName("a table name"));
  if (cursor_.IsSymbol("(") && !cursor_.IsKeyword("SELECT", 1) && !cursor_.IsSymbol("(", 1)) {
    ASSIGN_OR_RETURN(s.insert.columns, ParseNameList("a column name"));
  }
  if (!AtQueryStart()) return cursor_.ErrorHere("a query (SELECT ...)");
  ASSIGN_OR_RETURN(s.insert.query, ParseQuery());
  return s;
}

Result<Statement> Parser::ParseExplain() {
  Statement s;
  s.kind = StatementKind::kExplain;
  s.pos = cursor_.Next().pos;
  if (cursor_.AcceptKeyword("PLAN")) RETURN_IF_ERROR(cursor_.ExpectKeyword("FOR"));
  Statement inner;
  if (cursor_.IsKeyword("INSERT")) {
    ASSIGN_OR_RETURN(inner, ParseInsert());
  } else if (AtQueryStart()) {
    ASSIGN_OR_RETURN(inner, ParseQueryStatement());
  } else {
    return cursor_.ErrorHere("'INSERT' or a query to explain");
  }
  s.explained = std::make_shared<Statement>(std::move(inner));
  return s;
}

Result<Statement> Parser::ParseQueryStatement() {
  Statement s;
  s.kind = StatementKind::kSelect;
  s.pos = cursor_.Peek().pos;
  ASSIGN_OR_RETURN(s.select, ParseQuery());
  return s;
}

Result<std::string> Parser::ParseQualifiedName(std::string_view what) {
  ASSIGN_OR_RETURN(std::string name, cursor_.ExpectName(what));
  while (cursor_.AcceptSymbol(".")) {
    ASSIGN_OR_RETURN(std::string part, cursor_.ExpectName(what));
    name += "." + part;
  }
  return name;
}

Result<std::vector<std::string>> Parser::ParseNameList(std::string_view what) {
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  std::vector<std::string> names;
  while (true) {
    ASSIGN_OR_RETURN(std::string name, cursor_.ExpectName(what));
    names.push_back(std::move(name));
    if (cursor_.AcceptSymbol(")")) return names;
    if (!cursor_.AcceptSymbol(",")) return cursor_.ErrorHere("',' or ')'");
  }
}

Result<std::string> Parser::ParseOptionalAlias() {
  if (cursor_.AcceptKeyword("AS")) return cursor_.ExpectName("an alias");
  if (cursor_.AtName()) return cursor_.Next().text;
  return std::string();
}

Result<std::shared_ptr<Query>> Parser::ParseQuery() {
  TokenCursor::NestingGuard guard(cursor_);
  RETURN_IF_ERROR(guard.status());
  auto query = std::make_shared<Query>();
  query->pos = cursor_.Peek().pos;
  RETURN_IF_ERROR(ParseQueryTerm(query.get()));
  while (cursor_.AcceptKeyword("UNION")) {
    if (!cursor_.AcceptKeyword("ALL")) {
      return cursor_.ErrorHere("'ALL' (sluice supports UNION ALL only)");
    }
    RETURN_IF_ERROR(ParseQueryTerm(query.get()));
  }
  return query;
}

Status Parser::ParseQueryTerm(Query* query) {
  if (cursor_.AcceptSymbol("(")) {
    ASSIGN_OR_RETURN(std::shared_ptr<Query> inner, ParseQuery());
    RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
    for (auto& branch : inner->branches) query->branches.push_back(std::move(branch));
    return Status::Ok();
  }
  if (!cursor_.IsKeyword("SELECT")) return cursor_.ErrorHere("'SELECT' or '('");
  ASSIGN_OR_RETURN(SelectStmt select, ParseSelect());
  query->branches.push_back(std::move(select));
  return Status::Ok();
}

Result<SelectStmt> Parser::ParseSelect() {
  SelectStmt select;
  select.pos = cursor_.Next().pos;
  select.distinct = cursor_.AcceptKeyword("DISTINCT");
  if (!select.distinct) cursor_.AcceptKeyword("ALL");
  do {
    ASSIGN_OR_RETURN(SelectItem item, ParseSelectItem());
    select.items.push_back(std::move(item));
  } while (cursor_.AcceptSymbol(","));
  if (cursor_.AcceptKeyword("FROM")) {
    ASSIGN_OR_RETURN(select.from, ParseTableRef());
  }
  if (cursor_.AcceptKeyword("WHERE")) {
    ASSIGN_OR_RETURN(select.where, exprs_.Parse());
  }
  if (cursor_.AcceptKeyword("GROUP")) {
    RETURN_IF_ERROR(cursor_.ExpectKeyword("BY"));
    do {
      ASSIGN_OR_RETURN(AstExprPtr key, exprs_.Parse());
      select.group_by.push_back(std::move(key));
    } while (cursor_.AcceptSymbol(","));
  }
  if (cursor_.AcceptKeyword("HAVING")) {
    ASSIGN_OR_RETURN(select.having, exprs_.Parse());
  }
  if (cursor_.AcceptKeyword("WINDOW")) {
    do {
      ASSIGN_OR_RETURN(std::string name, cursor_.ExpectName("a window name"));
      RETURN_IF_ERROR(cursor_.ExpectKeyword("AS"));
      ASSIGN_OR_RETURN(auto window, exprs_.ParseWindowSpec());
      select.windows.emplace_back(std::move(name), std::move(window));
    } while (cursor_.AcceptSymbol(","));
  }
  return select;
}

Result<SelectItem> Parser::ParseSelectItem() {
  SelectItem item;
  item.pos = cursor_.Peek().pos;
  if (cursor_.IsSymbol("*")) {
    cursor_.Next();
    item.expr = std::make_shared<AstExpr>();
    item.expr->kind = AstExprKind::kStar;
    item.expr->pos = item.pos;
    return item;
  }
  if (cursor_.AtName() && cursor_.IsSymbol(".", 1) && cursor_.IsSymbol("*", 2)) {
    item.expr = std::make_shared<AstExpr>();
    item.expr->kind = AstExprKind::kStar;
    item.expr->pos = item.pos;
    item.expr->name_parts = {cursor_.Next().text};
    cursor_.Next();
    cursor_.Next();
    return item;
  }
  ASSIGN_OR_RETURN(item.expr, exprs_.Parse());
  ASSIGN_OR_RETURN(item.alias, ParseOptionalAlias());
  return item;
}

Result<TableRef> Parser::ParseUnnest(TableRef left) {
  TableRef unnest;
  unnest.kind = TableRefKind::kUnnest;
  unnest.pos = cursor_.Peek().pos;
  cursor_.Next();  // CROSS
  cursor_.Next();  // JOIN
  RETURN_IF_ERROR(cursor_.ExpectKeyword("UNNEST"));
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  ASSIGN_OR_RETURN(unnest.unnest_expr, exprs_.Parse());
  RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
  ASSIGN_OR_RETURN(unnest.alias, ParseOptionalAlias());
  if (!unnest.alias.empty() && cursor_.AcceptSymbol("(")) {
    do {
      ASSIGN_OR_RETURN(std::string name, cursor_.ExpectName("a column name"));
      unnest.column_aliases.push_back(std::move(name));
    } while (cursor_.AcceptSymbol(","));
    RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
  }
  unnest.join_left = std::make_shared<TableRef>(std::move(left));
  return unnest;
}

Result<TableRef> Parser::ParseTableRef() {
  ASSIGN_OR_RETURN(TableRef ref, ParseTablePrimary());
  while (true) {
    if (cursor_.IsKeyword("CROSS") && cursor_.IsKeyword("JOIN", 1) &&
        cursor_.IsKeyword("UNNEST", 2)) {
      ASSIGN_OR_RETURN(ref, ParseUnnest(std::move(ref)));
      continue;
    }
    TableRef join;
    join.kind = TableRefKind::kJoin;
    join.pos = cursor_.Peek().pos;
    ASSIGN_OR_RETURN(bool found, ParseJoinKind(&join.join_kind));
    if (!found) return ref;
    join.join_left = std::make_shared<TableRef>(std::move(ref));
    ASSIGN_OR_RETURN(TableRef right, ParseTablePrimary());
    join.join_right = std::make_shared<TableRef>(std::move(right));
    if (!cursor_.AcceptKeyword("ON")) {
      return cursor_.ErrorHere("'ON' (joins need an ON condition; USING is not supported)");
    }
    ASSIGN_OR_RETURN(join.join_on, exprs_.Parse());
    ref = std::move(join);
  }
}

Result<bool> Parser::ParseJoinKind(JoinKind* kind) {
  if (cursor_.IsKeyword("CROSS") || cursor_.IsKeyword("NATURAL")) {
    return cursor_.ErrorHere(
        "a join with an ON condition (CROSS and NATURAL joins are not "
        "supported, except CROSS JOIN UNNEST)");
  }
  if (cursor_.AcceptKeyword("JOIN")) {
    *kind = JoinKind::kInner;
    return true;
  }
  if (cursor_.AcceptKeyword("INNER")) {
    *kind = JoinKind::kInner;
  } else if (cursor_.AcceptKeyword("LEFT")) {
    *kind = JoinKind::kLeft;
  } else if (cursor_.AcceptKeyword("RIGHT")) {
    *kind = JoinKind::kRight;
  } else if (cursor_.AcceptKeyword("FULL")) {
    *kind = JoinKind::kFull;
  } else {
    return false;
  }
  if (*kind != JoinKind::kInner) cursor_.AcceptKeyword("OUTER");
  RETURN_IF_ERROR(cursor_.ExpectKeyword("JOIN"));
  return true;
}

Result<TableRef> Parser::ParseTablePrimary() {
  if (cursor_.IsKeyword("TABLE") && cursor_.IsSymbol("(", 1)) return ParseWindowTvf();
  TableRef ref;
  ref.pos = cursor_.Peek().pos;
  if (cursor_.AcceptSymbol("(")) {
    ref.kind = TableRefKind::kSubquery;
    ASSIGN_OR_RETURN(ref.subquery, ParseQuery());
    RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
  } else {
    ref.kind = TableRefKind::kNamed;
    ASSIGN_OR_RETURN(ref.name, ParseQualifiedName("a table name"));
  }
  ASSIGN_OR_RETURN(ref.alias, ParseOptionalAlias());
  return ref;
}

Result<TableRef> Parser::ParseWindowTvf() {
  TableRef ref;
  ref.kind = TableRefKind::kWindowTvf;
  ref.pos = cursor_.Next().pos;
  cursor_.Next();
  const Token& fn = cursor_.Peek();
  const WindowTvfSignature* sig = fn.kind == TokenKind::kWord ? FindWindowTvf(fn.upper) : nullptr;
  if (sig == nullptr) {
    return cursor_.ErrorHere("a window function (TUMBLE, HOP, CUMULATE or SESSION)");
  }
  cursor_.Next();
  ref.tvf_function = std::string(sig->name);
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  RETURN_IF_ERROR(ParseWindowTvfArgs(*sig, &ref));
  cursor_.Next();  // the ')' of the window function, which ParseWindowTvfArgs stopped at
  RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
  ASSIGN_OR_RETURN(ref.alias, ParseOptionalAlias());
  return ref;
}

Status Parser::ParseWindowTvfArgs(const WindowTvfSignature& sig, TableRef* ref) {
  const bool named = cursor_.Peek().kind == TokenKind::kWord && cursor_.IsSymbol("=>", 1);
  const std::string param_names = fmt::format("{}", fmt::join(sig.params, ", "));
  std::vector<TableRef> slots(sig.params.size());
  std::vector<bool> filled(sig.params.size(), false);
  std::vector<AstExprPtr> values(sig.params.size());
  for (size_t i = 0;; ++i) {
    size_t slot = i;
    if (named) {
      const Token& name = cursor_.Peek();
      if (name.kind != TokenKind::kWord || !cursor_.IsSymbol("=>", 1)) {
        return cursor_.ErrorHere(
            fmt::format("a named argument of {} ({} => ...)", sig.name, param_names));
      }
      auto it = std::find(sig.params.begin(), sig.params.end(), std::string_view(name.upper));
      if (it == sig.params.end()) {
        return cursor_.ErrorHere(fmt::format("a parameter of {} ({})", sig.name, param_names));
      }
      slot = static_cast<size_t>(it - sig.params.begin());
      if (filled[slot]) return cursor_.ErrorHere("each parameter once");
      cursor_.Next();
      cursor_.Next();
    } else if (slot >= sig.params.size()) {
      return cursor_.ErrorHere(
          fmt::format("')' ({} takes at most {} arguments)", sig.name, sig.params.size()));
    }
    if (slot < 2) {
      RETURN_IF_ERROR(ParseWindowTvfArg(slot, ref));
    } else {
      ASSIGN_OR_RETURN(values[slot], exprs_.Parse());
    }
    filled[slot] = true;
    if (cursor_.IsSymbol(")")) break;
    if (!cursor_.AcceptSymbol(",")) return cursor_.ErrorHere("',' or ')'");
  }
  for (size_t j = 0; j < sig.required; ++j) {
    if (!filled[j]) {
      return cursor_.ErrorHere(fmt::format("the {} argument of {}", sig.params[j], sig.name));
    }
  }
  for (size_t j = 2; j < values.size() && filled[j]; ++j) ref->tvf_args.push_back(values[j]);
  return Status::Ok();
}

Status Parser::ParseWindowTvfArg(size_t slot, TableRef* ref) {
  if (slot == 0) {
    RETURN_IF_ERROR(cursor_.ExpectKeyword("TABLE"));
    auto input = std::make_shared<TableRef>();
    input->kind = TableRefKind::kNamed;
    input->pos = cursor_.Peek().pos;
    ASSIGN_OR_RETURN(input->name, ParseQualifiedName("a table name"));
    ref->tvf_input = std::move(input);
    if (cursor_.AcceptKeyword("PARTITION")) {
      RETURN_IF_ERROR(cursor_.ExpectKeyword("BY"));
      if (cursor_.IsSymbol("(")) {
        ASSIGN_OR_RETURN(ref->tvf_partition_by, ParseNameList("a column name"));
      } else {
        ASSIGN_OR_RETURN(std::string key, cursor_.ExpectName("a column name or '('"));
        ref->tvf_partition_by.push_back(std::move(key));
      }
    }
    return Status::Ok();
  }
  RETURN_IF_ERROR(cursor_.ExpectKeyword("DESCRIPTOR"));
  RETURN_IF_ERROR(cursor_.ExpectSymbol("("));
  ref->tvf_descriptor_pos = cursor_.Peek().pos;
  ASSIGN_OR_RETURN(ref->tvf_descriptor, cursor_.ExpectName("the name of the time column"));
  return cursor_.ExpectSymbol(")");
}

}  // namespace

Result<Script> ParseScript(std::string_view text, const std::string& file_name) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lexer(text, file_name).Tokenize());
  Parser parser(tokens, file_name, text);
  Script script;
  ASSIGN_OR_RETURN(script.statements, parser.ParseStatements());
  script.file_name = file_name;
  script.text = std::string(text);
  return script;
}

Result<AstExprPtr> ParseExpression(std::string_view text, const std::string& file_name) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lexer(text, file_name).Tokenize());
  return Parser(tokens, file_name, text).ParseLoneExpression();
}

Result<LogicalType> ParseDataType(std::string_view text, const std::string& file_name) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lexer(text, file_name).Tokenize());
  return Parser(tokens, file_name, text).ParseLoneType();
}

}  // namespace sluice::sql
