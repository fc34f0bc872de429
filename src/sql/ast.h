#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sql/source_pos.h"
#include "types/logical_type.h"

namespace sluice::sql {

// ---- Expressions -------------------------------------------------------------------------

enum class AstExprKind {
  kIdentifier,  // name_parts: ["col"] or ["t", "col"]
  kLiteral,     // literal_kind + text
  kUnary,       // op: "-", "+", "NOT"; args[0]
  kBinary,      // op: "+", "-", "*", "/", "%", "||", "=", "<>", "<", "<=", ">", ">=", "AND", "OR"
  kFunction,    // name_parts[0] (upper-cased); args; distinct; star_arg; filter
                // Calls with special syntax are normalised to plain argument lists:
                //   TIMESTAMPDIFF(unit, a, b), TIMESTAMPADD(unit, n, t): args[0] is a kString
                //     literal holding the unit (SECOND, MINUTE, HOUR, DAY, ...);
                //   EXTRACT(unit FROM x): args = [unit kString literal, x];
                //   SUBSTRING(x FROM a [FOR b]): args = [x, a(, b)], as SUBSTRING(x, a, b);
                //   TRIM([BOTH|LEADING|TRAILING] [chars FROM] x): always three args:
                //     [mode kString literal, chars (default the literal ' '), x];
                //   CURRENT_TIMESTAMP, LOCALTIMESTAMP, CURRENT_DATE, ... : no args;
                //   x[i]: ITEM(x, i); x[i].f: $FIELD(ITEM(x, i)) with text "f";
                //   ARRAY[a, ..], MAP[k, v, ..]: ARRAY(a, ..), MAP(k, v, ..);
                //   JSON_OBJECT(KEY k VALUE v .. ABSENT ON NULL): ['ABSENT', k, v, ..],
                //   JSON_ARRAY(v, ..): ['ABSENT' (or 'NULL'), v, ..].
  kCase,        // case_operand (optional); args: when1, then1, when2, then2, ...; else_expr
  kCast,        // args[0]; cast_type; try_cast
  kIn,          // args[0] IN (args[1..]); negated
  kBetween,     // args[0] BETWEEN args[1] AND args[2]; negated
  kLike,        // args[0] LIKE args[1]; negated
  kIsNull,      // args[0] IS [NOT] NULL; negated
  kStar,        // '*' or 't.*' in a select list; name_parts holds the qualifier if any
};

enum class LiteralKind {
  kNull,
  kBoolean,    // text "TRUE" / "FALSE"
  kInteger,    // text: digits
  kDecimal,    // text: digits with a point, e.g. "1.50"
  kDouble,     // text: with an exponent, e.g. "1e3"
  kString,     // text: the unescaped string
  kTimestamp,  // TIMESTAMP '...': text is the quoted part
  kDate,       // DATE '...'
  kInterval,   // INTERVAL '5' MINUTE: text "5", interval_unit "MINUTE"
};

struct AstExpr;
using AstExprPtr = std::shared_ptr<AstExpr>;

/// The window of an OVER clause: `OVER w`, `OVER (PARTITION BY .. ORDER BY .. frame)`, or a
/// named window of the SELECT's WINDOW clause. `base_name` names a window of the WINDOW clause
/// (`OVER w` or `OVER (w ...)`).
struct OverWindowAst {
  enum class Frame { kDefault, kRows, kRange };
  SourcePos pos;
  std::string base_name;
  std::vector<AstExprPtr> partition_by;
  AstExprPtr order_by;
  bool descending = false;
  Frame frame = Frame::kDefault;
  bool unbounded = false;  // UNBOUNDED PRECEDING
  AstExprPtr preceding;    // `n` (ROWS) or an INTERVAL (RANGE); null: unbounded or CURRENT ROW
  SourcePos frame_pos;
};

struct AstExpr {
  AstExprKind kind = AstExprKind::kLiteral;
  SourcePos pos;
  std::vector<std::string> name_parts;
  LiteralKind literal_kind = LiteralKind::kNull;
  std::string text;           // literal text
  std::string op;             // unary/binary operator, upper-case for word operators
  std::string interval_unit;  // MILLISECOND, SECOND, MINUTE, HOUR, DAY (singular, upper-case)
  std::vector<AstExprPtr> args;
  bool distinct = false;                // COUNT(DISTINCT x)
  bool star_arg = false;                // COUNT(*)
  AstExprPtr filter;                    // agg(...) FILTER (WHERE filter)
  std::shared_ptr<OverWindowAst> over;  // agg(...) OVER window
  AstExprPtr case_operand;
  AstExprPtr else_expr;
  LogicalType cast_type;
  bool try_cast = false;
  bool negated = false;
};

// ---- Queries -----------------------------------------------------------------------------

struct Query;

enum class TableRefKind {
  kNamed,      // name [AS alias]
  kSubquery,   // (query) [AS] alias
  kWindowTvf,  // TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset])) [AS alias]
  kJoin,       // join_left [INNER | LEFT | RIGHT | FULL [OUTER]] JOIN join_right ON join_on
  kUnnest,     // join_left CROSS JOIN UNNEST(unnest_expr) [AS] alias [(column_aliases)]
};

enum class JoinKind { kInner, kLeft, kRight, kFull };

struct TableRef {
  TableRefKind kind = TableRefKind::kNamed;
  SourcePos pos;
  std::string name;
  std::string alias;
  std::shared_ptr<Query> subquery;
  // Window TVF: function upper-cased (TUMBLE, HOP, CUMULATE, SESSION), the input table, the
  // DESCRIPTOR column and the remaining arguments (interval expressions), in call order.
  std::string tvf_function;
  std::shared_ptr<TableRef> tvf_input;
  std::string tvf_descriptor;
  SourcePos tvf_descriptor_pos;
  std::vector<AstExprPtr> tvf_args;
  // SESSION(TABLE t PARTITION BY a, ...) or PARTITION BY (a, b): the partition columns.
  std::vector<std::string> tvf_partition_by;
  // Join: the two sides (a side may itself be a join: `a JOIN b ON .. JOIN c ON ..`), the kind
  // and the ON condition.
  JoinKind join_kind = JoinKind::kInner;
  std::shared_ptr<TableRef> join_left;
  std::shared_ptr<TableRef> join_right;
  AstExprPtr join_on;
  // UNNEST: the ARRAY or MAP expression (over join_left's columns) and the names of the
  // columns it adds.
  AstExprPtr unnest_expr;
  std::vector<std::string> column_aliases;
};

struct SelectItem {
  AstExprPtr expr;  // kStar for '*'
  std::string alias;
  SourcePos pos;
};

struct SelectStmt {
  SourcePos pos;
  bool distinct = false;
  std::vector<SelectItem> items;
  std::optional<TableRef> from;
  AstExprPtr where;
  std::vector<AstExprPtr> group_by;
  AstExprPtr having;
  // WINDOW name AS (...), in order.
  std::vector<std::pair<std::string, std::shared_ptr<OverWindowAst>>> windows;
};

/// One SELECT, or several joined by UNION ALL (branches.size() > 1).
struct Query {
  SourcePos pos;
  std::vector<SelectStmt> branches;
};

// ---- Statements --------------------------------------------------------------------------

enum class ColumnKind { kPhysical, kComputed, kMetadata };

struct ColumnDef {
  std::string name;
  SourcePos pos;
  ColumnKind kind = ColumnKind::kPhysical;
  LogicalType type;          // physical and metadata columns
  AstExprPtr expr;           // computed columns: `name AS expr`
  std::string metadata_key;  // METADATA FROM 'key' (empty: the column name)
  bool is_virtual = false;   // METADATA ... VIRTUAL
};

struct WatermarkDef {
  std::string column;
  SourcePos pos;
  AstExprPtr expr;
};

struct TableOption {
  std::string key;
  std::string value;  // as written; ${VAR:-default} is substituted later
  SourcePos pos;
};

struct CreateTableStmt {
  std::string name;
  bool if_not_exists = false;
  std::vector<ColumnDef> columns;
  std::optional<WatermarkDef> watermark;
  std::vector<std::string> primary_key;
  std::vector<TableOption> options;
};

struct CreateViewStmt {
  std::string name;
  std::shared_ptr<Query> query;
  bool if_not_exists = false;
  std::vector<std::string> columns;  // optional explicit column names: VIEW v (a, b) AS ...
};

struct InsertStmt {
  std::string table;
  SourcePos table_pos;
  std::vector<std::string> columns;  // optional explicit column list
  std::shared_ptr<Query> query;
};

struct SetStmt {
  std::string key;
  std::string value;
};

enum class StatementKind { kSet, kCreateTable, kCreateView, kInsert, kSelect, kExplain };

struct Statement {
  StatementKind kind = StatementKind::kSet;
  SourcePos pos;
  SetStmt set;
  CreateTableStmt create_table;
  CreateViewStmt create_view;
  InsertStmt insert;
  std::shared_ptr<Query> select;         // kSelect: a bare query, printed to stdout
  std::shared_ptr<Statement> explained;  // kExplain: EXPLAIN <insert or select>
};

/// A parsed pipeline file.
struct Script {
  std::string file_name;
  std::string text;  // the whole file, for error excerpts
  std::vector<Statement> statements;
};

}  // namespace sluice::sql
