#include "sql/group_window_rewriter.h"

#include <fmt/format.h>

#include <memory>
#include <utility>
#include <vector>

#include "sql/plan_error.h"

namespace sluice::sql {
namespace {

bool IsCall(const AstExpr& e, const char* name) {
  return e.kind == AstExprKind::kFunction && !e.name_parts.empty() && e.name_parts[0] == name;
}

AstExprPtr Identifier(const std::string& name, SourcePos pos) {
  auto e = std::make_shared<AstExpr>();
  e->kind = AstExprKind::kIdentifier;
  e->name_parts = {name};
  e->pos = pos;
  return e;
}

/// Replaces the auxiliary functions of one SESSION group window in copies of expressions.
class AuxiliaryReplacer {
 public:
  AuxiliaryReplacer(const std::string& file, std::string time_column)
      : file_(file), time_column_(std::move(time_column)) {}

  Result<AstExprPtr> Replace(const AstExprPtr& e) {
    if (!e) return e;
    static const std::pair<const char*, const char*> kAuxiliary[] = {
        {"SESSION_START", "window_start"},
        {"SESSION_END", "window_end"},
        {"SESSION_ROWTIME", "window_time"}};
    for (const auto& [function, column] : kAuxiliary) {
      if (!IsCall(*e, function)) continue;
      RETURN_IF_ERROR(CheckArgs(*e, function));
      return Identifier(column, e->pos);
    }
    if (IsCall(*e, "SESSION_PROCTIME")) {
      return PlanErrorAt(file_, e->pos,
                         "SESSION_PROCTIME is not supported: sessions are in event time");
    }
    auto copy = std::make_shared<AstExpr>(*e);
    for (auto& arg : copy->args) {
      ASSIGN_OR_RETURN(arg, Replace(arg));
    }
    ASSIGN_OR_RETURN(copy->filter, Replace(copy->filter));
    ASSIGN_OR_RETURN(copy->case_operand, Replace(copy->case_operand));
    ASSIGN_OR_RETURN(copy->else_expr, Replace(copy->else_expr));
    return AstExprPtr(copy);
  }

 private:
  Status CheckArgs(const AstExpr& call, const char* function) const {
    if (call.args.size() == 2 && call.args[0]->kind == AstExprKind::kIdentifier &&
        call.args[0]->name_parts.back() == time_column_) {
      return Status::Ok();
    }
    return PlanErrorAt(file_, call.pos,
                       fmt::format("{} takes the arguments of the GROUP BY SESSION window: ({}, "
                                   "INTERVAL gap)",
                                   function, time_column_));
  }

  const std::string& file_;
  std::string time_column_;
};

}  // namespace

Result<std::optional<SelectStmt>> GroupWindowRewriter::Rewrite(const std::string& file,
                                                               const SelectStmt& stmt) {
  const AstExpr* window = nullptr;
  const AstExpr* not_a_column = nullptr;
  std::vector<std::string> partition;
  for (const auto& g : stmt.group_by) {
    if (IsCall(*g, "SESSION")) {
      if (window) return PlanErrorAt(file, g->pos, "GROUP BY takes one SESSION window");
      window = g.get();
    } else if (g->kind == AstExprKind::kIdentifier) {
      partition.push_back(g->name_parts.back());
    } else if (!not_a_column) {
      not_a_column = g.get();
    }
  }
  if (!window) return std::optional<SelectStmt>();
  if (window->args.size() != 2 || window->args[0]->kind != AstExprKind::kIdentifier) {
    return PlanErrorAt(file, window->pos,
                       "GROUP BY SESSION takes (time_col, INTERVAL gap): the event-time column "
                       "and the gap");
  }
  if (not_a_column) {
    return PlanErrorAt(file, not_a_column->pos,
                       "with GROUP BY SESSION(...) the other GROUP BY items must be plain columns "
                       "(they partition the sessions)");
  }
  if (!stmt.from ||
      (stmt.from->kind != TableRefKind::kNamed && stmt.from->kind != TableRefKind::kSubquery)) {
    return PlanErrorAt(file, window->pos,
                       "GROUP BY SESSION(...) needs FROM a table, view or subquery");
  }
  const std::string time_column = window->args[0]->name_parts.back();
  SelectStmt out = stmt;
  TableRef tvf;
  tvf.kind = TableRefKind::kWindowTvf;
  tvf.pos = stmt.from->pos;
  tvf.alias = stmt.from->alias;
  tvf.tvf_function = "SESSION";
  tvf.tvf_input = std::make_shared<TableRef>(*stmt.from);
  tvf.tvf_descriptor = time_column;
  tvf.tvf_descriptor_pos = window->args[0]->pos;
  tvf.tvf_args = {window->args[1]};
  tvf.tvf_partition_by = partition;
  out.from = std::move(tvf);
  out.group_by.clear();
  for (const auto& g : stmt.group_by) {
    if (g.get() != window) out.group_by.push_back(g);
  }
  out.group_by.push_back(Identifier("window_start", window->pos));
  out.group_by.push_back(Identifier("window_end", window->pos));
  AuxiliaryReplacer replacer(file, time_column);
  for (auto& item : out.items) {
    ASSIGN_OR_RETURN(item.expr, replacer.Replace(item.expr));
  }
  ASSIGN_OR_RETURN(out.having, replacer.Replace(out.having));
  return std::optional<SelectStmt>(std::move(out));
}

}  // namespace sluice::sql
