#include "sql/parser.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace sluice::sql {
namespace {

// Renders an expression as a prefix S-expression so that tree shapes fit on one line.
std::string Render(const AstExprPtr& e) {
  if (e == nullptr) return "<null>";
  std::string args;
  for (const auto& a : e->args) args += " " + Render(a);
  std::string name = fmt::format("{}", fmt::join(e->name_parts, "."));
  switch (e->kind) {
    case AstExprKind::kIdentifier:
      return name;
    case AstExprKind::kStar:
      return name.empty() ? "*" : name + ".*";
    case AstExprKind::kLiteral:
      switch (e->literal_kind) {
        case LiteralKind::kString:
          return "'" + e->text + "'";
        case LiteralKind::kTimestamp:
          return "TIMESTAMP '" + e->text + "'";
        case LiteralKind::kDate:
          return "DATE '" + e->text + "'";
        case LiteralKind::kInterval:
          return "INTERVAL '" + e->text + "' " + e->interval_unit;
        default:
          return e->text;
      }
    case AstExprKind::kUnary:
    case AstExprKind::kBinary:
      return "(" + e->op + args + ")";
    case AstExprKind::kFunction: {
      std::string inner =
          e->star_arg ? "*" : (e->distinct ? "DISTINCT" + args : args.substr(args.empty() ? 0 : 1));
      std::string s = name + "(" + inner + ")";
      if (e->filter) s += " FILTER " + Render(e->filter);
      return s;
    }
    case AstExprKind::kCase: {
      std::string s = "(CASE";
      if (e->case_operand) s += " " + Render(e->case_operand);
      for (size_t i = 0; i + 1 < e->args.size(); i += 2) {
        s += " WHEN " + Render(e->args[i]) + " THEN " + Render(e->args[i + 1]);
      }
      if (e->else_expr) s += " ELSE " + Render(e->else_expr);
      return s + ")";
    }
    case AstExprKind::kCast:
      return fmt::format("({}{} AS {})", e->try_cast ? "TRY_CAST" : "CAST", args,
                         e->cast_type.ToString());
    case AstExprKind::kIn:
      return (e->negated ? "(NOT IN" : "(IN") + args + ")";
    case AstExprKind::kBetween:
      return (e->negated ? "(NOT BETWEEN" : "(BETWEEN") + args + ")";
    case AstExprKind::kLike:
      return (e->negated ? "(NOT LIKE" : "(LIKE") + args + ")";
    case AstExprKind::kIsNull:
      return (e->negated ? "(IS NOT NULL" : "(IS NULL") + args + ")";
  }
  return "?";
}

std::string Expr(std::string_view text) {
  auto r = ParseExpression(text, "e.sql");
  if (!r.ok()) return r.status().message();
  return Render(*r);
}

Script Parse(std::string_view text) {
  auto r = ParseScript(text, "p.sql");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Script{};
}

// Returns the parse error message for `text`, or "" when it parses.
std::string Error(std::string_view text) {
  auto r = ParseScript(text, "p.sql");
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kParseError);
  return r.status().message();
}

// ---- Expressions ---------------------------------------------------------------------------

TEST(ParserTest, BooleanOperatorPrecedence) {
  EXPECT_EQ(Expr("a OR b AND NOT c = d"), "(OR a (AND b (NOT (= c d))))");
  EXPECT_EQ(Expr("a AND b OR c AND d"), "(OR (AND a b) (AND c d))");
  EXPECT_EQ(Expr("NOT NOT a"), "(NOT (NOT a))");
  EXPECT_EQ(Expr("NOT a IS NULL"), "(NOT (IS NULL a))");
  EXPECT_EQ(Expr("a or b or c"), "(OR (OR a b) c)");
}

TEST(ParserTest, ArithmeticPrecedenceAndAssociativity) {
  EXPECT_EQ(Expr("1 + 2 * 3 - 4"), "(- (+ 1 (* 2 3)) 4)");
  EXPECT_EQ(Expr("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(Expr("a % b / c * d"), "(* (/ (% a b) c) d)");
  EXPECT_EQ(Expr("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(Expr("-a * b"), "(* (- a) b)");
  EXPECT_EQ(Expr("a * -b"), "(* a (- b))");
  EXPECT_EQ(Expr("- -a"), "(- (- a))");
  EXPECT_EQ(Expr("+a"), "(+ a)");
}

TEST(ParserTest, ConcatBindsLooserThanAdditionAndTighterThanComparison) {
  EXPECT_EQ(Expr("a || b + c"), "(|| a (+ b c))");
  EXPECT_EQ(Expr("a + b || c"), "(|| (+ a b) c)");
  EXPECT_EQ(Expr("a || b = c || d"), "(= (|| a b) (|| c d))");
}

TEST(ParserTest, ComparisonsAndPredicates) {
  EXPECT_EQ(Expr("a != b"), "(<> a b)");
  EXPECT_EQ(Expr("a <> b"), "(<> a b)");
  EXPECT_EQ(Expr("a <= b + 1"), "(<= a (+ b 1))");
  EXPECT_EQ(Expr("a >= 1 AND a < 10"), "(AND (>= a 1) (< a 10))");
  EXPECT_EQ(Expr("x IS NULL"), "(IS NULL x)");
  EXPECT_EQ(Expr("x IS NOT NULL"), "(IS NOT NULL x)");
  EXPECT_EQ(Expr("s IN ('BUY', 'SELL')"), "(IN s 'BUY' 'SELL')");
  EXPECT_EQ(Expr("s NOT IN (1)"), "(NOT IN s 1)");
  EXPECT_EQ(Expr("p BETWEEN 1 AND 2 AND q"), "(AND (BETWEEN p 1 2) q)");
  EXPECT_EQ(Expr("p NOT BETWEEN a + 1 AND b * 2"), "(NOT BETWEEN p (+ a 1) (* b 2))");
  EXPECT_EQ(Expr("name LIKE 'a%'"), "(LIKE name 'a%')");
  EXPECT_EQ(Expr("name NOT LIKE 'a' || '%'"), "(NOT LIKE name (|| 'a' '%'))");
  EXPECT_EQ(Expr("NOT x IN (1, 2)"), "(NOT (IN x 1 2))");
}

TEST(ParserTest, Literals) {
  EXPECT_EQ(Expr("TRUE"), "TRUE");
  EXPECT_EQ(Expr("false"), "FALSE");
  EXPECT_EQ(Expr("null"), "NULL");
  EXPECT_EQ(Expr("'it''s'"), "'it's'");
  EXPECT_EQ(Expr("TIMESTAMP '2024-01-01 00:00:00'"), "TIMESTAMP '2024-01-01 00:00:00'");
  EXPECT_EQ(Expr("DATE '2024-01-01'"), "DATE '2024-01-01'");
  EXPECT_EQ(Expr("INTERVAL '10' MINUTES"), "INTERVAL '10' MINUTE");
  EXPECT_EQ(Expr("interval '1' day"), "INTERVAL '1' DAY");
  EXPECT_EQ(Expr("INTERVAL '250' MILLISECOND"), "INTERVAL '250' MILLISECOND");
  EXPECT_EQ(Expr("INTERVAL '2' HOURS"), "INTERVAL '2' HOUR");
  EXPECT_EQ(Expr("INTERVAL '5' SECONDS"), "INTERVAL '5' SECOND");

  auto kind = [](std::string_view text) { return (*ParseExpression(text, "e.sql"))->literal_kind; };
  EXPECT_EQ(kind("42"), LiteralKind::kInteger);
  EXPECT_EQ(kind("1.50"), LiteralKind::kDecimal);
  EXPECT_EQ(kind("1e3"), LiteralKind::kDouble);
  EXPECT_EQ(kind("'x'"), LiteralKind::kString);
  EXPECT_EQ(kind("TRUE"), LiteralKind::kBoolean);
  EXPECT_EQ(kind("NULL"), LiteralKind::kNull);
  EXPECT_EQ(kind("TIMESTAMP '2024-01-01'"), LiteralKind::kTimestamp);
  EXPECT_EQ(kind("DATE '2024-01-01'"), LiteralKind::kDate);
  EXPECT_EQ(kind("INTERVAL '1' SECOND"), LiteralKind::kInterval);
  EXPECT_EQ((*ParseExpression("1.50", "e.sql"))->text, "1.50");
}

TEST(ParserTest, NamesAndQualifiedNames) {
  EXPECT_EQ(Expr("o.price"), "o.price");
  EXPECT_EQ(Expr("`timestamp` + `my col`"), "(+ timestamp my col)");
  EXPECT_EQ(Expr("t.`value`"), "t.value");
  auto e = *ParseExpression("orders.price", "e.sql");
  ASSERT_EQ(e->name_parts.size(), 2u);
  EXPECT_EQ(e->name_parts[0], "orders");
  EXPECT_EQ(e->name_parts[1], "price");
}

TEST(ParserTest, FunctionCalls) {
  EXPECT_EQ(Expr("upper(symbol)"), "UPPER(symbol)");
  EXPECT_EQ(Expr("date_format(ts, 'yyyy')"), "DATE_FORMAT(ts 'yyyy')");
  EXPECT_EQ(Expr("PROCTIME()"), "PROCTIME()");
  EXPECT_EQ(Expr("COUNT(*)"), "COUNT(*)");
  EXPECT_EQ(Expr("count(DISTINCT user_id)"), "COUNT(DISTINCT user_id)");
  EXPECT_EQ(Expr("COUNT(*) FILTER (WHERE order_type = 'BUY')"),
            "COUNT(*) FILTER (= order_type 'BUY')");
  EXPECT_EQ(Expr("SUM(q * p) FILTER (WHERE q > 0) / 2"), "(/ SUM((* q p)) FILTER (> q 0) 2)");
  EXPECT_EQ(Expr("COALESCE(a, b, 0)"), "COALESCE(a b 0)");
  EXPECT_EQ(Expr("`my_udf`(a)"), "MY_UDF(a)");
}

TEST(ParserTest, NestedAccessAndConstructors) {
  EXPECT_EQ(Expr("a.b.c"), "a.b.c");
  EXPECT_EQ(Expr("arr[1] + m['k']"), "(+ ITEM(arr 1) ITEM(m 'k'))");
  EXPECT_EQ(Expr("items[i + 1].qty"), "$FIELD(ITEM(items (+ i 1)))");
  EXPECT_EQ(Expr("ARRAY[1, 2][2]"), "ITEM(ARRAY(1 2) 2)");
  EXPECT_EQ(Expr("MAP['a', 1]"), "MAP('a' 1)");
  EXPECT_EQ(Expr("ROW(a, 'x')"), "ROW(a 'x')");
  EXPECT_EQ(Expr("JSON_OBJECT(KEY 'k' VALUE v, 'n' VALUE 1 ABSENT ON NULL)"),
            "JSON_OBJECT('ABSENT' 'k' v 'n' 1)");
  EXPECT_EQ(Expr("JSON_ARRAY(1, a)"), "JSON_ARRAY('ABSENT' 1 a)");
  EXPECT_EQ(Expr("JSON_ARRAY(1 NULL ON NULL)"), "JSON_ARRAY('NULL' 1)");
  EXPECT_EQ(Expr("JSON_OBJECT()"), "JSON_OBJECT('NULL')");
}

TEST(ParserTest, CrossJoinUnnest) {
  Script s = Parse("SELECT id, x FROM t CROSS JOIN UNNEST(t.tags) AS u(x, y)");
  ASSERT_EQ(s.statements.size(), 1u);
  const TableRef& from = *s.statements[0].select->branches[0].from;
  EXPECT_EQ(from.kind, TableRefKind::kUnnest);
  EXPECT_EQ(from.alias, "u");
  EXPECT_EQ(from.column_aliases, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(Render(from.unnest_expr), "t.tags");
  EXPECT_EQ(from.join_left->name, "t");
  EXPECT_EQ(Error("SELECT * FROM t CROSS JOIN u"),
            "p.sql:1:17: expected a join with an ON condition (CROSS and NATURAL joins are not "
            "supported, except CROSS JOIN UNNEST), found 'CROSS'\n"
            "  SELECT * FROM t CROSS JOIN u\n"
            "                  ^");
}

TEST(ParserTest, CaseAndCast) {
  EXPECT_EQ(Expr("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END"),
            "(CASE WHEN (> a 1) THEN 'x' WHEN (> a 0) THEN 'y' ELSE 'z')");
  EXPECT_EQ(Expr("CASE a WHEN 1 THEN 2 END"), "(CASE a WHEN 1 THEN 2)");
  EXPECT_EQ(Expr("CAST(x AS DECIMAL(10, 2))"), "(CAST x AS DECIMAL(10, 2))");
  EXPECT_EQ(Expr("TRY_CAST(s AS INT) + 1"), "(+ (TRY_CAST s AS INT) 1)");
  EXPECT_EQ(Expr("CAST(ts AS TIMESTAMP(3))"), "(CAST ts AS TIMESTAMP(3))");
}

TEST(ParserTest, FunctionsWithSpecialSyntax) {
  EXPECT_EQ(Expr("TIMESTAMPDIFF(SECOND, a, b)"), "TIMESTAMPDIFF('SECOND' a b)");
  EXPECT_EQ(Expr("timestampdiff(minute, a, b + 1)"), "TIMESTAMPDIFF('MINUTE' a (+ b 1))");
  EXPECT_EQ(Expr("TIMESTAMPDIFF(DAY, a, b)"), "TIMESTAMPDIFF('DAY' a b)");
}

TEST(ParserTest, CurrentTimestampAndSubstringAndTrim) {
  EXPECT_EQ(Expr("CURRENT_TIMESTAMP"), "CURRENT_TIMESTAMP()");
  EXPECT_EQ(Expr("current_date"), "CURRENT_DATE()");
  EXPECT_EQ(Expr("SUBSTRING(s FROM 2 FOR 3)"), "SUBSTRING(s 2 3)");
  EXPECT_EQ(Expr("SUBSTRING(s FROM 2)"), "SUBSTRING(s 2)");
  EXPECT_EQ(Expr("SUBSTRING(s, 2, 3)"), "SUBSTRING(s 2 3)");
  EXPECT_EQ(Expr("TRIM(s)"), "TRIM('BOTH' ' ' s)");
  EXPECT_EQ(Expr("TRIM(LEADING 'x' FROM s)"), "TRIM('LEADING' 'x' s)");
  EXPECT_EQ(Expr("TRIM(TRAILING FROM s)"), "TRIM('TRAILING' ' ' s)");
  EXPECT_EQ(Expr("TRIM('-' FROM s)"), "TRIM('BOTH' '-' s)");
  EXPECT_EQ(Expr("EXTRACT(HOUR FROM ts)"), "EXTRACT('HOUR' ts)");
  EXPECT_EQ(Expr("TIMESTAMPADD(DAY, 1, ts)"), "TIMESTAMPADD('DAY' 1 ts)");
}

TEST(ParserTest, ExpressionPositions) {
  auto e = *ParseExpression("a +\n  f(b) * 2", "e.sql");
  EXPECT_EQ(e->op, "+");
  EXPECT_EQ(e->pos.line, 1);
  EXPECT_EQ(e->pos.column, 3);  // at the operator
  EXPECT_EQ(e->args[0]->pos.column, 1);
  const auto& mul = e->args[1];
  EXPECT_EQ(mul->pos.line, 2);
  EXPECT_EQ(mul->pos.column, 8);
  EXPECT_EQ(mul->args[0]->kind, AstExprKind::kFunction);
  EXPECT_EQ(mul->args[0]->pos.column, 3);
  EXPECT_EQ(mul->args[0]->args[0]->pos.column, 5);
}

// ---- Statements ----------------------------------------------------------------------------

TEST(ParserTest, EmptyScriptsAndSeparators) {
  EXPECT_TRUE(Parse("").statements.empty());
  EXPECT_TRUE(Parse("-- only a comment\n").statements.empty());
  EXPECT_TRUE(Parse(";;").statements.empty());
  // The last ';' is optional; stray extra ones are harmless.
  EXPECT_EQ(Parse("SET 'a' = '1'; SET 'b' = '2'").statements.size(), 2u);
  EXPECT_EQ(Parse("SET 'a' = '1';; SET 'b' = '2';").statements.size(), 2u);
}

TEST(ParserTest, KeepsFileNameAndText) {
  Script s = Parse("SET 'a' = 'b';\n");
  EXPECT_EQ(s.file_name, "p.sql");
  EXPECT_EQ(s.text, "SET 'a' = 'b';\n");
}

TEST(ParserTest, Set) {
  Script s = Parse("SET 'pipeline.name' = 'orders';\nset 'x' = 'it''s'");
  ASSERT_EQ(s.statements.size(), 2u);
  EXPECT_EQ(s.statements[0].kind, StatementKind::kSet);
  EXPECT_EQ(s.statements[0].set.key, "pipeline.name");
  EXPECT_EQ(s.statements[0].set.value, "orders");
  EXPECT_EQ(s.statements[1].set.value, "it's");
  EXPECT_EQ(s.statements[1].pos.line, 2);
  EXPECT_EQ(s.statements[1].pos.column, 1);
}

TEST(ParserTest, CreateTableWithEveryColumnForm) {
  Script s = Parse(R"sql(
CREATE TEMPORARY TABLE IF NOT EXISTS orders (
  order_id BIGINT NOT NULL,
  `timestamp` TIMESTAMP(3),
  total AS quantity * price,
  quantity INT,
  price DOUBLE PRECISION,
  part INT METADATA FROM 'partition' VIRTUAL,
  topic STRING METADATA,
  WATERMARK FOR `timestamp` AS `timestamp` - INTERVAL '2' SECOND,
  PRIMARY KEY (order_id, topic) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS:-localhost:9092}'
);)sql");
  ASSERT_EQ(s.statements.size(), 1u);
  const Statement& st = s.statements[0];
  EXPECT_EQ(st.kind, StatementKind::kCreateTable);
  EXPECT_EQ(st.pos.line, 2);
  const CreateTableStmt& t = st.create_table;
  EXPECT_EQ(t.name, "orders");
  EXPECT_TRUE(t.if_not_exists);
  ASSERT_EQ(t.columns.size(), 7u);

  EXPECT_EQ(t.columns[0].name, "order_id");
  EXPECT_EQ(t.columns[0].kind, ColumnKind::kPhysical);
  EXPECT_EQ(t.columns[0].type.id, TypeId::kBigInt);
  EXPECT_FALSE(t.columns[0].type.nullable);
  EXPECT_EQ(t.columns[0].pos.line, 3);
  EXPECT_EQ(t.columns[0].pos.column, 3);

  EXPECT_EQ(t.columns[1].name, "timestamp");
  EXPECT_EQ(t.columns[1].type.id, TypeId::kTimestamp);
  EXPECT_EQ(t.columns[1].type.precision, 3);
  EXPECT_TRUE(t.columns[1].type.nullable);

  EXPECT_EQ(t.columns[2].name, "total");
  EXPECT_EQ(t.columns[2].kind, ColumnKind::kComputed);
  EXPECT_EQ(Render(t.columns[2].expr), "(* quantity price)");

  EXPECT_EQ(t.columns[4].type.id, TypeId::kDouble);

  EXPECT_EQ(t.columns[5].name, "part");
  EXPECT_EQ(t.columns[5].kind, ColumnKind::kMetadata);
  EXPECT_EQ(t.columns[5].type.id, TypeId::kInt);
  EXPECT_EQ(t.columns[5].metadata_key, "partition");
  EXPECT_TRUE(t.columns[5].is_virtual);

  EXPECT_EQ(t.columns[6].kind, ColumnKind::kMetadata);
  EXPECT_EQ(t.columns[6].metadata_key, "");
  EXPECT_FALSE(t.columns[6].is_virtual);

  ASSERT_TRUE(t.watermark.has_value());
  EXPECT_EQ(t.watermark->column, "timestamp");
  EXPECT_EQ(t.watermark->pos.line, 10);
  EXPECT_EQ(t.watermark->pos.column, 17);
  EXPECT_EQ(Render(t.watermark->expr), "(- timestamp INTERVAL '2' SECOND)");

  EXPECT_EQ(t.primary_key, (std::vector<std::string>{"order_id", "topic"}));
  ASSERT_EQ(t.options.size(), 2u);
  EXPECT_EQ(t.options[0].key, "connector");
  EXPECT_EQ(t.options[0].value, "kafka");
  EXPECT_EQ(t.options[0].pos.line, 13);
  EXPECT_EQ(t.options[0].pos.column, 3);
  // Substitution happens later, not in the parser.
  EXPECT_EQ(t.options[1].value, "${KAFKA_BROKERS:-localhost:9092}");
}

TEST(ParserTest, CreateTableColumnLevelKeyAndComments) {
  Script s = Parse(
      "CREATE TABLE t (id BIGINT PRIMARY KEY NOT ENFORCED COMMENT 'the id', v STRING NULL) "
      "COMMENT 'a table'");
  const CreateTableStmt& t = s.statements[0].create_table;
  EXPECT_EQ(t.primary_key, (std::vector<std::string>{"id"}));
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_TRUE(t.columns[1].type.nullable);
  EXPECT_TRUE(t.options.empty());
  EXPECT_FALSE(t.if_not_exists);
}

TEST(ParserTest, WatermarkIsAnOrdinaryColumnNameUnlessFollowedByFor) {
  Script s = Parse("CREATE TABLE t (watermark BIGINT, ts TIMESTAMP(3))");
  EXPECT_EQ(s.statements[0].create_table.columns[0].name, "watermark");
  EXPECT_FALSE(s.statements[0].create_table.watermark.has_value());
}

TEST(ParserTest, DataTypes) {
  struct Case {
    const char* text;
    TypeId id;
    int precision;
    int scale;
  };
  const Case cases[] = {
      {"BOOLEAN", TypeId::kBoolean, 0, 0},
      {"TINYINT", TypeId::kInt, 0, 0},
      {"smallint", TypeId::kInt, 0, 0},
      {"INT", TypeId::kInt, 0, 0},
      {"INTEGER", TypeId::kInt, 0, 0},
      {"BIGINT", TypeId::kBigInt, 0, 0},
      {"FLOAT", TypeId::kFloat, 0, 0},
      {"DOUBLE", TypeId::kDouble, 0, 0},
      {"DOUBLE PRECISION", TypeId::kDouble, 0, 0},
      {"DECIMAL", TypeId::kDecimal, 10, 0},
      {"DECIMAL(12)", TypeId::kDecimal, 12, 0},
      {"DECIMAL(18, 4)", TypeId::kDecimal, 18, 4},
      {"DEC(5,2)", TypeId::kDecimal, 5, 2},
      {"NUMERIC(7, 7)", TypeId::kDecimal, 7, 7},
      {"STRING", TypeId::kString, 0, 0},
      {"VARCHAR(20)", TypeId::kString, 0, 0},
      {"VARCHAR", TypeId::kString, 0, 0},
      {"CHAR(3)", TypeId::kString, 0, 0},
      {"TIMESTAMP", TypeId::kTimestamp, 6, 0},
      {"TIMESTAMP(3)", TypeId::kTimestamp, 3, 0},
      {"TIMESTAMP(0) WITHOUT TIME ZONE", TypeId::kTimestamp, 0, 0},
      {"TIMESTAMP(3) WITH LOCAL TIME ZONE", TypeId::kTimestampLtz, 3, 0},
      {"TIMESTAMP WITH LOCAL TIME ZONE", TypeId::kTimestampLtz, 6, 0},
      {"TIMESTAMP_LTZ(3)", TypeId::kTimestampLtz, 3, 0},
      {"TIMESTAMP_LTZ", TypeId::kTimestampLtz, 6, 0},
      {"DATE", TypeId::kDate, 0, 0},
  };
  for (const Case& c : cases) {
    auto r = ParseDataType(c.text, "t.sql");
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().message();
    EXPECT_EQ(r->id, c.id) << c.text;
    EXPECT_EQ(r->precision, c.precision) << c.text;
    EXPECT_EQ(r->scale, c.scale) << c.text;
    EXPECT_TRUE(r->nullable) << c.text;
  }
  EXPECT_FALSE(ParseDataType("INT NOT NULL", "t.sql")->nullable);
}

TEST(ParserTest, NestedDataTypes) {
  auto row = ParseDataType(
      "ROW<id BIGINT NOT NULL, `geo` ROW(city STRING 'town'), tags "
      "ARRAY<VARCHAR>, attrs MAP<STRING, ARRAY<INT NOT NULL>>>",
      "t.sql");
  ASSERT_TRUE(row.ok()) << row.status().message();
  EXPECT_EQ(row->ToString(),
            "ROW<`id` BIGINT NOT NULL, `geo` ROW<`city` STRING>, `tags` ARRAY<STRING>, `attrs` "
            "MAP<STRING, ARRAY<INT NOT NULL>>>");
  EXPECT_EQ(Error("CREATE TABLE t (a ARRAY<INT)"),
            "p.sql:1:28: expected '>', found ')'\n"
            "  CREATE TABLE t (a ARRAY<INT)\n"
            "                             ^");
  EXPECT_EQ(Error("CREATE TABLE t (r ROW<a INT, a INT>)"),
            "p.sql:1:30: expected a ROW field name not used before, found 'a' again\n"
            "  CREATE TABLE t (r ROW<a INT, a INT>)\n"
            "                               ^");
}

TEST(ParserTest, CreateView) {
  Script s = Parse(
      "CREATE TEMPORARY VIEW big AS SELECT * FROM orders WHERE q > 10;\n"
      "CREATE VIEW IF NOT EXISTS v (a, b) AS (SELECT x, y FROM t)");
  ASSERT_EQ(s.statements.size(), 2u);
  EXPECT_EQ(s.statements[0].kind, StatementKind::kCreateView);
  EXPECT_EQ(s.statements[0].create_view.name, "big");
  EXPECT_FALSE(s.statements[0].create_view.if_not_exists);
  ASSERT_NE(s.statements[0].create_view.query, nullptr);
  EXPECT_EQ(Render(s.statements[0].create_view.query->branches[0].where), "(> q 10)");
  EXPECT_TRUE(s.statements[1].create_view.if_not_exists);
  EXPECT_EQ(s.statements[1].create_view.columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.statements[1].create_view.query->branches.size(), 1u);
}

TEST(ParserTest, InsertWithAndWithoutColumns) {
  Script s = Parse(
      "INSERT INTO sink SELECT a FROM src;\n"
      "INSERT INTO db.sink (x, `y`) SELECT a, b FROM src;\n"
      "INSERT INTO sink (SELECT a FROM src)");
  ASSERT_EQ(s.statements.size(), 3u);
  EXPECT_EQ(s.statements[0].kind, StatementKind::kInsert);
  EXPECT_EQ(s.statements[0].insert.table, "sink");
  EXPECT_EQ(s.statements[0].insert.table_pos.column, 13);
  EXPECT_TRUE(s.statements[0].insert.columns.empty());
  EXPECT_EQ(s.statements[1].insert.table, "db.sink");
  EXPECT_EQ(s.statements[1].insert.columns, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(s.statements[2].insert.columns.empty());
  ASSERT_NE(s.statements[2].insert.query, nullptr);
  EXPECT_EQ(s.statements[2].insert.query->branches.size(), 1u);
}

TEST(ParserTest, SelectWithEveryClause) {
  Script s = Parse(
      "SELECT DISTINCT symbol, COUNT(*) AS n, SUM(q) total, o.*, * FROM orders AS o "
      "WHERE q > 0 GROUP BY symbol, o.side HAVING COUNT(*) > 1");
  ASSERT_EQ(s.statements.size(), 1u);
  EXPECT_EQ(s.statements[0].kind, StatementKind::kSelect);
  const SelectStmt& sel = s.statements[0].select->branches.at(0);
  EXPECT_TRUE(sel.distinct);
  ASSERT_EQ(sel.items.size(), 5u);
  EXPECT_EQ(Render(sel.items[0].expr), "symbol");
  EXPECT_EQ(sel.items[0].alias, "");
  EXPECT_EQ(sel.items[1].alias, "n");
  EXPECT_EQ(sel.items[2].alias, "total");
  EXPECT_EQ(sel.items[3].expr->kind, AstExprKind::kStar);
  EXPECT_EQ(Render(sel.items[3].expr), "o.*");
  EXPECT_EQ(Render(sel.items[4].expr), "*");
  EXPECT_EQ(sel.items[4].pos.column, 59);
  ASSERT_TRUE(sel.from.has_value());
  EXPECT_EQ(sel.from->kind, TableRefKind::kNamed);
  EXPECT_EQ(sel.from->name, "orders");
  EXPECT_EQ(sel.from->alias, "o");
  EXPECT_EQ(Render(sel.where), "(> q 0)");
  ASSERT_EQ(sel.group_by.size(), 2u);
  EXPECT_EQ(Render(sel.group_by[1]), "o.side");
  EXPECT_EQ(Render(sel.having), "(> COUNT(*) 1)");
}

TEST(ParserTest, SelectWithoutFrom) {
  Script s = Parse("SELECT 1 + 1");
  const SelectStmt& sel = s.statements[0].select->branches[0];
  EXPECT_FALSE(sel.from.has_value());
  EXPECT_EQ(Render(sel.items[0].expr), "(+ 1 1)");
}

TEST(ParserTest, UnionAllFlattensBranchesAndParentheses) {
  Script s = Parse(
      "(SELECT a FROM t1) UNION ALL SELECT b FROM t2 UNION ALL "
      "((SELECT c FROM t3 UNION ALL SELECT d FROM t4))");
  const Query& q = *s.statements[0].select;
  ASSERT_EQ(q.branches.size(), 4u);
  EXPECT_EQ(q.branches[0].from->name, "t1");
  EXPECT_EQ(q.branches[1].from->name, "t2");
  EXPECT_EQ(q.branches[2].from->name, "t3");
  EXPECT_EQ(q.branches[3].from->name, "t4");
}

TEST(ParserTest, SubqueryInFrom) {
  Script s = Parse("SELECT x FROM (SELECT a AS x FROM t UNION ALL SELECT b FROM u) sub");
  const TableRef& from = *s.statements[0].select->branches[0].from;
  EXPECT_EQ(from.kind, TableRefKind::kSubquery);
  EXPECT_EQ(from.alias, "sub");
  ASSERT_NE(from.subquery, nullptr);
  EXPECT_EQ(from.subquery->branches.size(), 2u);
  EXPECT_EQ(from.pos.column, 15);
}

TEST(ParserTest, WindowTvfsPositional) {
  Script s = Parse(
      "SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND));\n"
      "SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' HOUR, "
      "INTERVAL '5' MINUTE)) AS w;\n"
      "SELECT * FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE, "
      "INTERVAL '5' MINUTES));\n"
      "SELECT * FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE, "
      "INTERVAL '1' HOUR));\n"
      "SELECT * FROM TABLE(SESSION(TABLE orders PARTITION BY user_id, DESCRIPTOR(ts), "
      "INTERVAL '30' SECOND))");
  ASSERT_EQ(s.statements.size(), 5u);
  auto from = [&](size_t i) -> const TableRef& {
    return *s.statements[i].select->branches[0].from;
  };
  EXPECT_EQ(from(0).kind, TableRefKind::kWindowTvf);
  EXPECT_EQ(from(0).tvf_function, "TUMBLE");
  ASSERT_NE(from(0).tvf_input, nullptr);
  EXPECT_EQ(from(0).tvf_input->name, "orders");
  EXPECT_EQ(from(0).tvf_descriptor, "ts");
  EXPECT_EQ(from(0).tvf_descriptor_pos.column, 53);
  ASSERT_EQ(from(0).tvf_args.size(), 1u);
  EXPECT_EQ(Render(from(0).tvf_args[0]), "INTERVAL '10' SECOND");
  EXPECT_EQ(from(0).pos.column, 15);

  ASSERT_EQ(from(1).tvf_args.size(), 2u);
  EXPECT_EQ(Render(from(1).tvf_args[1]), "INTERVAL '5' MINUTE");
  EXPECT_EQ(from(1).alias, "w");

  EXPECT_EQ(from(2).tvf_function, "HOP");
  ASSERT_EQ(from(2).tvf_args.size(), 2u);
  EXPECT_EQ(Render(from(2).tvf_args[0]), "INTERVAL '1' MINUTE");
  EXPECT_EQ(Render(from(2).tvf_args[1]), "INTERVAL '5' MINUTE");

  EXPECT_EQ(from(3).tvf_function, "CUMULATE");
  EXPECT_EQ(from(3).tvf_args.size(), 2u);

  EXPECT_EQ(from(4).tvf_function, "SESSION");
  EXPECT_EQ(from(4).tvf_partition_by, (std::vector<std::string>{"user_id"}));
  EXPECT_EQ(from(4).tvf_args.size(), 1u);
}

TEST(ParserTest, WindowTvfNamedArgumentsAreStoredInPositionalOrder) {
  Script s = Parse(
      "SELECT * FROM TABLE(TUMBLE(DATA => TABLE orders, TIMECOL => DESCRIPTOR(ts), "
      "SIZE => INTERVAL '10' MINUTES));\n"
      "SELECT * FROM TABLE(HOP(size => INTERVAL '5' MINUTE, DATA => TABLE t, "
      "SLIDE => INTERVAL '1' MINUTE, TIMECOL => DESCRIPTOR(ts)))");
  const TableRef& tumble = *s.statements[0].select->branches[0].from;
  EXPECT_EQ(tumble.tvf_input->name, "orders");
  EXPECT_EQ(tumble.tvf_descriptor, "ts");
  ASSERT_EQ(tumble.tvf_args.size(), 1u);
  EXPECT_EQ(Render(tumble.tvf_args[0]), "INTERVAL '10' MINUTE");
  const TableRef& hop = *s.statements[1].select->branches[0].from;
  EXPECT_EQ(hop.tvf_input->name, "t");
  ASSERT_EQ(hop.tvf_args.size(), 2u);
  EXPECT_EQ(Render(hop.tvf_args[0]), "INTERVAL '1' MINUTE");  // SLIDE comes before SIZE
  EXPECT_EQ(Render(hop.tvf_args[1]), "INTERVAL '5' MINUTE");
}

TEST(ParserTest, Explain) {
  Script s = Parse("EXPLAIN SELECT 1; EXPLAIN PLAN FOR INSERT INTO s SELECT a FROM t");
  ASSERT_EQ(s.statements.size(), 2u);
  EXPECT_EQ(s.statements[0].kind, StatementKind::kExplain);
  ASSERT_NE(s.statements[0].explained, nullptr);
  EXPECT_EQ(s.statements[0].explained->kind, StatementKind::kSelect);
  ASSERT_NE(s.statements[1].explained, nullptr);
  EXPECT_EQ(s.statements[1].explained->kind, StatementKind::kInsert);
  EXPECT_EQ(s.statements[1].explained->insert.table, "s");
}

TEST(ParserTest, StatementSetsBecomeTheirInserts) {
  Script s = Parse(
      "EXECUTE STATEMENT SET BEGIN\n"
      "  INSERT INTO a SELECT x FROM t;\n"
      "  INSERT INTO b SELECT y FROM t;\n"
      "END;\n"
      "BEGIN STATEMENT SET;\n"
      "INSERT INTO c SELECT z FROM t;\n"
      "END;");
  ASSERT_EQ(s.statements.size(), 3u);
  EXPECT_EQ(s.statements[0].kind, StatementKind::kInsert);
  EXPECT_EQ(s.statements[0].insert.table, "a");
  EXPECT_EQ(s.statements[1].insert.table, "b");
  EXPECT_EQ(s.statements[1].pos.line, 3);
  EXPECT_EQ(s.statements[2].insert.table, "c");
  EXPECT_EQ(Error("EXECUTE STATEMENT SET BEGIN SELECT 1; END"),
            "p.sql:1:29: expected 'INSERT' or 'END' (a statement set holds INSERT statements), "
            "found 'SELECT'\n"
            "  EXECUTE STATEMENT SET BEGIN SELECT 1; END\n"
            "                              ^");
}

TEST(ParserTest, DesignDocumentExample) {
  Script s = Parse(R"sql(-- pipeline.sql
SET 'pipeline.name' = 'orders';

CREATE TABLE orders (
  order_id BIGINT, user_id BIGINT, symbol STRING, order_type STRING,
  quantity INT, price DOUBLE, source_ts TIMESTAMP(3),
  total_amount AS quantity * price,
  WATERMARK FOR source_ts AS source_ts - INTERVAL '2' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'cdc.orders_db.orders',
        'properties.bootstrap.servers' = '${KAFKA_BROKERS:-localhost:9092}',
        'format' = 'debezium-json');

INSERT INTO order_aggregations
SELECT symbol, window_start, window_end, COUNT(*),
       COUNT(*) FILTER (WHERE order_type = 'BUY'), SUM(total_amount), AVG(price)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(source_ts), INTERVAL '5' MINUTES))
GROUP BY symbol, window_start, window_end;
)sql");
  ASSERT_EQ(s.statements.size(), 3u);
  EXPECT_EQ(s.statements[1].create_table.columns.size(), 8u);
  EXPECT_EQ(s.statements[1].create_table.options.size(), 4u);
  const SelectStmt& sel = s.statements[2].insert.query->branches[0];
  EXPECT_EQ(sel.items.size(), 7u);
  EXPECT_EQ(Render(sel.items[4].expr), "COUNT(*) FILTER (= order_type 'BUY')");
  EXPECT_EQ(sel.group_by.size(), 3u);
}

// ---- Errors --------------------------------------------------------------------------------

TEST(ParserTest, ErrorPointsAtTheOffendingToken) {
  EXPECT_EQ(Error("SET 'a' = 'b';\n\n  SELECT a, b FROM t WHERE (a > 1 FROM"),
            "p.sql:3:35: expected ')', found 'FROM'\n"
            "    SELECT a, b FROM t WHERE (a > 1 FROM\n"
            "                                    ^");
}

TEST(ParserTest, ErrorAtEndOfInputPointsJustAfterTheLastToken) {
  EXPECT_EQ(Error("SELECT a FROM\n"),
            "p.sql:1:14: expected a table name, found end of input\n"
            "  SELECT a FROM\n"
            "               ^");
  EXPECT_EQ(Error("INSERT INTO t"),
            "p.sql:1:14: expected a query (SELECT ...), found end of input\n"
            "  INSERT INTO t\n"
            "               ^");
}

TEST(ParserTest, ErrorForMissingSemicolon) {
  EXPECT_EQ(Error("SET 'a' = 'b'\nSET 'c' = 'd'"),
            "p.sql:2:1: expected ';' or end of input, found 'SET'\n"
            "  SET 'c' = 'd'\n"
            "  ^");
}

TEST(ParserTest, ErrorForUnknownStatement) {
  EXPECT_EQ(Error("SELEC a FROM t"),
            "p.sql:1:1: expected a statement (SET, CREATE, INSERT, SELECT or EXPLAIN), found "
            "'SELEC'\n"
            "  SELEC a FROM t\n"
            "  ^");
  EXPECT_EQ(Error("CREATE FUNCTION f"),
            "p.sql:1:8: expected 'TABLE' or 'VIEW', found 'FUNCTION'\n"
            "  CREATE FUNCTION f\n"
            "         ^");
}

TEST(ParserTest, ReservedWordsAsNamesSuggestBackticks) {
  EXPECT_EQ(Error("SELECT timestamp FROM t"),
            "p.sql:1:8: expected an expression, found 'timestamp' (a reserved word; write "
            "`timestamp` in backticks to use it as a name)\n"
            "  SELECT timestamp FROM t\n"
            "         ^");
  EXPECT_EQ(Error("CREATE TABLE t (id INT, value STRING)"),
            "p.sql:1:25: expected a column name, found 'value' (a reserved word; write `value` "
            "in backticks to use it as a name)\n"
            "  CREATE TABLE t (id INT, value STRING)\n"
            "                          ^");
  EXPECT_EQ(Error("SELECT a AS count FROM t"),
            "p.sql:1:13: expected an alias, found 'count' (a reserved word; write `count` in "
            "backticks to use it as a name)\n"
            "  SELECT a AS count FROM t\n"
            "              ^");
  // Backticks make them names; COUNT followed by '(' is still the function.
  EXPECT_EQ(Error("SELECT `timestamp`, `value` AS `count`, count(*) FROM t"), "");
}

TEST(ParserTest, ClauseKeywordsDoNotSuggestBackticks) {
  EXPECT_EQ(Error("SELECT a, FROM t"),
            "p.sql:1:11: expected an expression, found 'FROM'\n"
            "  SELECT a, FROM t\n"
            "            ^");
}

TEST(ParserTest, ErrorsInTypes) {
  EXPECT_EQ(Error("CREATE TABLE t (d DECIMAL(20, 2))"),
            "p.sql:1:27: expected a DECIMAL precision (sluice supports precision up to 18) from "
            "1 to 18, found '20'\n"
            "  CREATE TABLE t (d DECIMAL(20, 2))\n"
            "                            ^");
  EXPECT_EQ(Error("CREATE TABLE t (d DECIMAL(5, 6))"),
            "p.sql:1:30: expected a DECIMAL scale from 0 to 5, found '6'\n"
            "  CREATE TABLE t (d DECIMAL(5, 6))\n"
            "                               ^");
  EXPECT_EQ(Error("CREATE TABLE t (d TIME)"),
            "p.sql:1:19: expected a data type (BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, FLOAT, "
            "DOUBLE, DECIMAL, STRING, VARCHAR, CHAR, TIMESTAMP, TIMESTAMP_LTZ, DATE, ROW, ARRAY or "
            "MAP), found 'TIME'\n"
            "  CREATE TABLE t (d TIME)\n"
            "                    ^");
  EXPECT_EQ(Error("CREATE TABLE t (ts TIMESTAMP(12))"),
            "p.sql:1:30: expected a TIMESTAMP precision from 0 to 9, found '12'\n"
            "  CREATE TABLE t (ts TIMESTAMP(12))\n"
            "                               ^");
  EXPECT_EQ(Error("SELECT CAST(a AS TIMESTAMP WITH TIME ZONE)"),
            "p.sql:1:33: expected 'LOCAL' (only TIMESTAMP WITH LOCAL TIME ZONE is supported), "
            "found 'TIME'\n"
            "  SELECT CAST(a AS TIMESTAMP WITH TIME ZONE)\n"
            "                                  ^");
}

TEST(ParserTest, ErrorsInTableDefinitions) {
  EXPECT_EQ(Error("CREATE TABLE t (a INT b INT)"),
            "p.sql:1:23: expected ',' or ')', found 'b'\n"
            "  CREATE TABLE t (a INT b INT)\n"
            "                        ^");
  EXPECT_EQ(Error("CREATE TABLE t (a INT, PRIMARY KEY (a))"),
            "p.sql:1:39: expected 'NOT ENFORCED' (primary keys are declared, not enforced), "
            "found ')'\n"
            "  CREATE TABLE t (a INT, PRIMARY KEY (a))\n"
            "                                        ^");
  EXPECT_EQ(Error("CREATE TABLE t (a INT) WITH ('port' = 8080)"),
            "p.sql:1:39: expected a quoted option value, found '8080'\n"
            "  CREATE TABLE t (a INT) WITH ('port' = 8080)\n"
            "                                        ^");
  EXPECT_EQ(Error("CREATE TABLE t (a INT) WITH (connector = 'x')"),
            "p.sql:1:30: expected a quoted option key, as in 'connector' = 'kafka', found "
            "'connector'\n"
            "  CREATE TABLE t (a INT) WITH (connector = 'x')\n"
            "                               ^");
  EXPECT_EQ(Error("CREATE TABLE t (a INT) WITH ('k' = 'x', 'k' = 'y')"),
            "p.sql:1:41: expected each option key once, found 'k' a second time\n"
            "  CREATE TABLE t (a INT) WITH ('k' = 'x', 'k' = 'y')\n"
            "                                          ^");
  EXPECT_EQ(Error("CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts, WATERMARK FOR ts AS "
                  "ts)"),
            "p.sql:1:58: expected one WATERMARK per table, found 'WATERMARK'\n"
            "  CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts, WATERMARK FOR ts AS "
            "ts)\n"
            "                                                           ^");
}

TEST(ParserTest, ErrorsInQueries) {
  EXPECT_EQ(Error("SELECT a FROM t UNION SELECT b FROM u"),
            "p.sql:1:23: expected 'ALL' (sluice supports UNION ALL only), found 'SELECT'\n"
            "  SELECT a FROM t UNION SELECT b FROM u\n"
            "                        ^");
  EXPECT_EQ(Error("SELECT a FROM t WHERE a IN (SELECT b FROM u)"),
            "p.sql:1:29: expected a list of values (IN with a subquery is not supported), found "
            "'SELECT'\n"
            "  SELECT a FROM t WHERE a IN (SELECT b FROM u)\n"
            "                              ^");
  EXPECT_EQ(Error("SELECT CASE WHEN a THEN b FROM t"),
            "p.sql:1:27: expected 'WHEN', 'ELSE' or 'END', found 'FROM'\n"
            "  SELECT CASE WHEN a THEN b FROM t\n"
            "                            ^");
  EXPECT_EQ(Error("SELECT f(a b) FROM t"),
            "p.sql:1:12: expected ')' or ',', found 'b'\n"
            "  SELECT f(a b) FROM t\n"
            "             ^");
  EXPECT_EQ(Error("SELECT a IS 1 FROM t"),
            "p.sql:1:13: expected 'NULL', 'NOT' or 'DISTINCT', found '1'\n"
            "  SELECT a IS 1 FROM t\n"
            "              ^");
  EXPECT_EQ(Error("SELECT 'a' 'b'"),
            "p.sql:1:12: expected ';' or end of input, found string 'b'\n"
            "  SELECT 'a' 'b'\n"
            "             ^");
}

TEST(ParserTest, ErrorsInIntervals) {
  EXPECT_EQ(Error("SELECT INTERVAL '1' WEEK"),
            "p.sql:1:21: expected an interval unit (MILLISECOND, SECOND, MINUTE, HOUR or DAY), "
            "found 'WEEK'\n"
            "  SELECT INTERVAL '1' WEEK\n"
            "                      ^");
  EXPECT_EQ(Error("SELECT INTERVAL 5 SECOND"),
            "p.sql:1:17: expected a quoted interval value, as in INTERVAL '5' SECOND, found "
            "'5'\n"
            "  SELECT INTERVAL 5 SECOND\n"
            "                  ^");
}

TEST(ParserTest, ErrorsInWindowTvfs) {
  EXPECT_EQ(Error("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts)))"),
            "p.sql:1:51: expected the SIZE argument of TUMBLE, found ')'\n"
            "  SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts)))\n"
            "                                                    ^");
  EXPECT_EQ(Error("SELECT * FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, "
                  "INTERVAL '1' SECOND))"),
            "p.sql:1:75: expected ')' (SESSION takes at most 3 arguments), found 'INTERVAL'\n"
            "  SELECT * FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, "
            "INTERVAL '1' SECOND))\n"
            "                                                                            ^");
  EXPECT_EQ(Error("SELECT * FROM TABLE(TUMBLE(DATA => TABLE t, WIDTH => INTERVAL '1' SECOND))"),
            "p.sql:1:45: expected a parameter of TUMBLE (DATA, TIMECOL, SIZE, OFFSET), found "
            "'WIDTH'\n"
            "  SELECT * FROM TABLE(TUMBLE(DATA => TABLE t, WIDTH => INTERVAL '1' SECOND))\n"
            "                                              ^");
  EXPECT_EQ(Error("SELECT * FROM TABLE(SLIDE(TABLE t))"),
            "p.sql:1:21: expected a window function (TUMBLE, HOP, CUMULATE or SESSION), found "
            "'SLIDE'\n"
            "  SELECT * FROM TABLE(SLIDE(TABLE t))\n"
            "                      ^");
  EXPECT_EQ(Error("SELECT * FROM TABLE(TUMBLE(t, DESCRIPTOR(ts), INTERVAL '1' SECOND))"),
            "p.sql:1:28: expected 'TABLE', found 't'\n"
            "  SELECT * FROM TABLE(TUMBLE(t, DESCRIPTOR(ts), INTERVAL '1' SECOND))\n"
            "                             ^");
}

TEST(ParserTest, LexerErrorsComeThroughParseScript) {
  EXPECT_EQ(Error("SELECT 'abc"),
            "p.sql:1:8: expected a closing quote (') for the string that starts here, found end "
            "of input\n"
            "  SELECT 'abc\n"
            "         ^");
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "SELECT " + std::string(5000, '(') + "1" + std::string(5000, ')');
  std::string message = Error(deep);
  EXPECT_EQ(message.rfind("p.sql:1:", 0), 0u) << message;
  EXPECT_NE(message.find("expected at most 200 levels of nesting"), std::string::npos);
  std::string minus = "SELECT ";
  for (int i = 0; i < 5000; ++i) minus += "- ";
  EXPECT_NE(Error(minus + "1").find("levels of nesting"), std::string::npos);
  std::string queries = std::string(5000, '(') + "SELECT 1" + std::string(5000, ')');
  EXPECT_NE(Error(queries).find("levels of nesting"), std::string::npos);
}

TEST(ParserTest, ExpressionEntryPointRejectsTrailingTokens) {
  auto r = ParseExpression("a + b c", "e.sql");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "e.sql:1:7: expected end of input, found 'c'\n"
            "  a + b c\n"
            "        ^");
}

}  // namespace
}  // namespace sluice::sql
