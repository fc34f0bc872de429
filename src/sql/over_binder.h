#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/expression_binder.h"
#include "sql/logical_plan.h"

namespace sluice::sql {

/// Binds the OVER calls of a SELECT list (Flink's OVER aggregations, LAG and ROW_NUMBER) into
/// a kOverAggregate node, and turns a ROW_NUMBER filtered by `rn <= N` into a kRank node
/// (Flink's deduplication and Top-N rules). Holds references only; use from one thread.
class OverBinder {
 public:
  /// The select list rewritten over the OVER node: every OVER call became a reference to its
  /// result column, every `*` the input's columns.
  struct Bound {
    PlanNodePtr node;  // kOverAggregate
    Scope scope;       // the input's columns, computed arguments, then the results
    SelectStmt stmt;   // `stmt` with its items rewritten
  };

  OverBinder(const std::string& file_name, ExpressionBinder* binder)
      : file_(file_name), binder_(binder) {}

  /// Returns true when `expr` holds a call with an OVER clause.
  static bool ContainsOver(const AstExpr& expr);

  /// Binds the OVER calls of `stmt`'s select list over `input` (whose names are `scope`).
  Result<Bound> Bind(const SelectStmt& stmt, const Scope& scope, PlanNodePtr input);

  /// Returns a kRank plan for a filter `predicate` over `input` when `input` is a projection of
  /// a ROW_NUMBER OVER aggregation and `predicate` is `rn = 1`, `rn <= N` or `rn < N` on its
  /// row number; std::nullopt when the pattern does not apply.
  Result<std::optional<PlanNodePtr>> RankFilter(const PlanNodePtr& input,
                                                const BoundExprPtr& predicate, SourcePos pos);

 private:
  struct Window {
    std::vector<BoundExprPtr> partition;
    BoundExprPtr order;
    bool descending = false;
    OverWindowAst::Frame frame = OverWindowAst::Frame::kDefault;
    bool unbounded = false;
    AstExprPtr preceding;
    SourcePos pos;
    SourcePos frame_pos;
    std::string text;  // identifies equal windows
  };

  Result<Window> ResolveWindow(const OverWindowAst& over, const SelectStmt& stmt,
                               const Scope& scope);
  /// Returns the PARTITION BY column named window_end (a window Top-N), if any.
  static std::optional<size_t> WindowEndKey(const Window& w, const Scope& scope);
  Status FillFrame(const Window& w, bool ranking, OverSpec* spec);
  /// Binds call `call` into an OverCall whose argument columns are added to `extra`.
  Result<OverCall> BindCall(const AstExpr& call, const Scope& scope,
                            std::vector<BoundExprPtr>* extra, size_t base);
  /// Returns the column of `expr` over the pre-projection (input columns then `extra`).
  size_t ColumnOf(const BoundExprPtr& expr, std::vector<BoundExprPtr>* extra, size_t base);

  const std::string& file_;
  ExpressionBinder* binder_;
};

}  // namespace sluice::sql
