#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/expression_binder.h"
#include "sql/logical_plan.h"

namespace sluice::sql {

/// A bound query or table: its plan and the names it offers to the query around it (one scope
/// column per output column of `node`).
struct Relation {
  PlanNodePtr node;
  Scope scope;
};

/// Binds queries (SELECT, UNION ALL, FROM tables, views, subqueries and window TVFs) into
/// logical plans. Holds references only; use from one thread.
class QueryBinder {
 public:
  QueryBinder(const std::string& file_name, const Catalog& catalog, ExpressionBinder* binder)
      : file_(file_name), catalog_(catalog), binder_(binder) {}

  /// Binds `query`; the result's scope columns have no qualifier.
  Result<Relation> BindQuery(const Query& query);
  /// Binds a table, view (inlined) or subquery in FROM; scope columns carry its alias or name.
  Result<Relation> BindTableRef(const TableRef& ref);
  /// Sets the pipeline's 'table.exec.emit.allow-lateness'; when positive, window aggregates are
  /// bound as producing a changelog (late rows update emitted results). Call before binding.
  void set_allowed_lateness_ms(int64_t ms) { allowed_lateness_ms_ = ms; }

 private:
  /// A FROM clause: the relation to read and, for a window TVF, the window and the extra
  /// columns window_start, window_end, window_time that follow the input's in `scope`.
  struct From {
    Relation input;
    std::optional<WindowSpec> window;
    Scope scope;
  };

  Result<Relation> BindSelect(const SelectStmt& stmt);
  Result<Relation> BindUnion(std::vector<Relation> branches, const Query& query);
  Result<From> BindFrom(const TableRef& ref);
  Result<From> BindWindowTvf(const TableRef& ref);
  /// Binds a side of a join: a table, view, subquery, window TVF (its rows, see WindowTable) or
  /// another join.
  Result<Relation> BindJoinSide(const TableRef& ref);
  Result<Relation> BindJoin(const TableRef& ref);
  /// Binds `left CROSS JOIN UNNEST(collection) AS alias(names)` into a kUnnest node.
  Result<Relation> BindUnnest(const TableRef& ref);
  /// Returns the rows of a window TVF: a kWindowTable over `from.input` whose scope is
  /// `from.scope` (the input's columns, window_start, window_end, window_time).
  static Relation WindowTable(const From& from);
  Result<WindowSpec> BindWindowArgs(const TableRef& ref, size_t time_column);
  Result<WindowSpec> BindSessionArgs(const TableRef& ref, size_t time_column);
  /// Returns an error unless the non-window GROUP BY columns (`keys`) are exactly the SESSION
  /// TVF's PARTITION BY columns.
  Status CheckSessionKeys(const SelectStmt& stmt, const Schema& keys);
  Result<PlanNodePtr> BindWhere(const SelectStmt& stmt, const From& from);
  Result<Relation> BindProjection(const SelectStmt& stmt, const From& from, PlanNodePtr input);
  Result<Relation> BindAggregation(const SelectStmt& stmt, const From& from, PlanNodePtr input);
  /// Returns the select list's output names (alias, column name, or EXPR$i).
  std::vector<std::string> OutputNames(const SelectStmt& stmt) const;
  Result<Relation> Finish(const SelectStmt& stmt, PlanNodePtr input,
                          std::vector<BoundExprPtr> exprs, const std::vector<std::string>& names);

  const std::string& file_;
  const Catalog& catalog_;
  ExpressionBinder* binder_;
  int view_depth_ = 0;
  int64_t allowed_lateness_ms_ = 0;
};

}  // namespace sluice::sql
