#include "sql/over_binder.h"

#include <fmt/format.h>

#include <set>

#include "sql/expr_rewriter.h"
#include "sql/plan_builder.h"
#include "sql/plan_error.h"

namespace sluice::sql {
namespace {

bool IsOverCall(const AstExpr& e) { return e.kind == AstExprKind::kFunction && e.over; }

/// Returns `e` with every OVER call replaced by the identifier `$over<i>`, appending the calls.
AstExprPtr ReplaceOverCalls(const AstExprPtr& e, std::vector<AstExprPtr>* calls) {
  if (!e || !OverBinder::ContainsOver(*e)) return e;
  if (IsOverCall(*e)) {
    auto id = std::make_shared<AstExpr>();
    id->kind = AstExprKind::kIdentifier;
    id->pos = e->pos;
    id->name_parts = {fmt::format("$over{}", calls->size())};
    calls->push_back(e);
    return id;
  }
  auto copy = std::make_shared<AstExpr>(*e);
  for (auto& a : copy->args) a = ReplaceOverCalls(a, calls);
  copy->filter = ReplaceOverCalls(copy->filter, calls);
  copy->case_operand = ReplaceOverCalls(copy->case_operand, calls);
  copy->else_expr = ReplaceOverCalls(copy->else_expr, calls);
  return copy;
}

std::string AstText(const AstExprPtr& e) { return e ? e->text + " " + e->interval_unit : "-"; }

bool IsAggregateName(const std::string& fn) {
  return fn == "COUNT" || fn == "SUM" || fn == "AVG" || fn == "MIN" || fn == "MAX";
}

std::optional<int64_t> IntegerLiteral(const AstExpr& e) {
  if (e.kind != AstExprKind::kLiteral || e.literal_kind != LiteralKind::kInteger) return {};
  if (e.text.size() > 15) return {};
  return std::stoll(e.text);
}

}  // namespace

bool OverBinder::ContainsOver(const AstExpr& expr) {
  if (IsOverCall(expr)) return true;
  for (const auto& a : expr.args) {
    if (a && ContainsOver(*a)) return true;
  }
  for (const AstExprPtr& e : {expr.case_operand, expr.else_expr, expr.filter}) {
    if (e && ContainsOver(*e)) return true;
  }
  return false;
}

Result<OverBinder::Bound> OverBinder::Bind(const SelectStmt& stmt, const Scope& scope,
                                           PlanNodePtr input) {
  if (!stmt.group_by.empty() || stmt.having) {
    return PlanErrorAt(file_, stmt.pos, "OVER aggregations cannot be combined with GROUP BY");
  }
  if (input->changelog) {
    return PlanErrorAt(file_, stmt.pos,
                       "OVER aggregation over an input that produces updates is not supported");
  }
  Bound out;
  out.stmt = stmt;
  out.stmt.items.clear();
  std::vector<AstExprPtr> calls;
  for (size_t i = 0; i < stmt.items.size(); ++i) {
    const SelectItem& item = stmt.items[i];
    if (item.expr->kind == AstExprKind::kStar) {
      std::string qualifier = item.expr->name_parts.empty() ? "" : item.expr->name_parts[0];
      for (const ScopeColumn& c : scope.columns) {
        if (!qualifier.empty() && c.qualifier != qualifier) continue;
        SelectItem column = item;
        column.expr = std::make_shared<AstExpr>(*item.expr);
        column.expr->kind = AstExprKind::kIdentifier;
        column.expr->name_parts = c.qualifier.empty()
                                      ? std::vector<std::string>{c.name}
                                      : std::vector<std::string>{c.qualifier, c.name};
        out.stmt.items.push_back(std::move(column));
      }
      continue;
    }
    SelectItem copy = item;
    copy.expr = ReplaceOverCalls(item.expr, &calls);
    if (copy.alias.empty() && item.expr->kind != AstExprKind::kIdentifier) {
      copy.alias = fmt::format("EXPR${}", i);
    }
    out.stmt.items.push_back(std::move(copy));
  }
  if (stmt.where && ContainsOver(*stmt.where)) {
    return PlanErrorAt(file_, stmt.where->pos, "OVER calls are not allowed in WHERE");
  }
  std::optional<Window> window;
  for (const auto& call : calls) {
    ASSIGN_OR_RETURN(Window w, ResolveWindow(*call->over, stmt, scope));
    if (window && window->text != w.text) {
      return PlanErrorAt(file_, call->pos,
                         "all OVER calls of a SELECT must use the same window (as in Flink)");
    }
    window = std::move(w);
  }
  const size_t base = input->schema->size();
  bool ranking = false;
  for (const auto& call : calls) ranking |= call->name_parts[0] == "ROW_NUMBER";
  auto rowtime_ref = ExprRewriter::AsColumn(window->order);
  std::optional<size_t> window_end = ranking ? WindowEndKey(*window, scope) : std::nullopt;
  const bool by_rowtime =
      input->rowtime_column && rowtime_ref && *rowtime_ref == *input->rowtime_column;
  // A window Top-N (PARTITION BY window_end) may order a window's rows by any column.
  if (!by_rowtime && !(window_end && rowtime_ref)) {
    return PlanErrorAt(file_, window->order->pos,
                       "OVER windows must be ordered by the input's event-time attribute (a "
                       "column declared with WATERMARK FOR)");
  }
  if (ranking && calls.size() > 1) {
    return PlanErrorAt(file_, calls[0]->pos,
                       "ROW_NUMBER() must be the only OVER call of its SELECT");
  }
  if (window->descending && !ranking) {
    return PlanErrorAt(file_, window->order->pos,
                       "OVER aggregations must be ordered by the event-time attribute ascending");
  }
  OverSpec spec;
  std::vector<BoundExprPtr> extra;
  for (const auto& k : window->partition) spec.partition_keys.push_back(ColumnOf(k, &extra, base));
  spec.order_column = *rowtime_ref;
  spec.descending = window->descending;
  spec.window_end_column = window_end;
  RETURN_IF_ERROR(FillFrame(*window, ranking, &spec));
  for (const auto& call : calls) {
    ASSIGN_OR_RETURN(OverCall c, BindCall(*call, scope, &extra, base));
    spec.calls.push_back(std::move(c));
  }
  PlanNodePtr pre = input;
  out.scope = scope;
  if (!extra.empty()) {
    std::vector<BoundExprPtr> exprs;
    std::vector<std::string> names = PlanBuilder::Names(*input);
    for (size_t c = 0; c < base; ++c)
      exprs.push_back(MakeColumnRef(c, input->schema->field(c).type));
    for (size_t e = 0; e < extra.size(); ++e) {
      exprs.push_back(extra[e]);
      names.push_back(fmt::format("$arg{}", e));
      out.scope.columns.push_back({"", names.back(), extra[e]->type});
    }
    pre = PlanBuilder::Project(input, std::move(exprs), names);
  }
  auto node = std::make_shared<PlanNode>();
  node->kind = PlanKind::kOverAggregate;
  auto schema = std::make_shared<Schema>(*pre->schema);
  for (size_t i = 0; i < spec.calls.size(); ++i) {
    std::string name = fmt::format("$over{}", i);
    schema->Add({name, spec.calls[i].type});
    out.scope.columns.push_back({"", name, spec.calls[i].type});
  }
  node->schema = std::move(schema);
  node->rowtime_column = pre->rowtime_column;
  node->over = std::move(spec);
  node->inputs.push_back(std::move(pre));
  out.node = std::move(node);
  return out;
}

std::optional<size_t> OverBinder::WindowEndKey(const Window& w, const Scope& scope) {
  for (const auto& key : w.partition) {
    auto c = ExprRewriter::AsColumn(key);
    if (c && scope.columns[*c].name == "window_end" &&
        scope.columns[*c].type.id == TypeId::kTimestamp) {
      return c;
    }
  }
  return std::nullopt;
}

Result<OverBinder::Window> OverBinder::ResolveWindow(const OverWindowAst& over,
                                                     const SelectStmt& stmt, const Scope& scope) {
  OverWindowAst merged = over;
  if (!over.base_name.empty()) {
    const OverWindowAst* base = nullptr;
    for (const auto& [name, w] : stmt.windows) {
      if (name == over.base_name) base = w.get();
    }
    if (!base) {
      return PlanErrorAt(
          file_, over.pos,
          fmt::format("unknown window '{}'; declare it in the WINDOW clause", over.base_name));
    }
    merged = *base;
    if (!over.partition_by.empty()) merged.partition_by = over.partition_by;
    if (over.order_by) {
      merged.order_by = over.order_by;
      merged.descending = over.descending;
    }
    if (over.frame != OverWindowAst::Frame::kDefault) {
      merged.frame = over.frame;
      merged.unbounded = over.unbounded;
      merged.preceding = over.preceding;
      merged.frame_pos = over.frame_pos;
    }
  }
  Window w;
  w.pos = over.pos;
  for (const auto& p : merged.partition_by) {
    ASSIGN_OR_RETURN(BoundExprPtr key, binder_->Bind(*p, scope, "PARTITION BY"));
    w.text += key->ToString() + ",";
    w.partition.push_back(std::move(key));
  }
  if (!merged.order_by) {
    return PlanErrorAt(file_, over.pos, "an OVER window needs ORDER BY its event-time attribute");
  }
  ASSIGN_OR_RETURN(w.order, binder_->Bind(*merged.order_by, scope, "ORDER BY"));
  w.descending = merged.descending;
  w.frame = merged.frame;
  w.unbounded = merged.unbounded;
  w.preceding = merged.preceding;
  w.frame_pos = merged.frame_pos;
  w.text += fmt::format("|{}|{}|{}|{}|{}", w.order->ToString(), w.descending,
                        static_cast<int>(w.frame), w.unbounded, AstText(w.preceding));
  return w;
}

Status OverBinder::FillFrame(const Window& w, bool ranking, OverSpec* spec) {
  if (ranking) {
    if (w.frame != OverWindowAst::Frame::kDefault) {
      return PlanErrorAt(file_, w.frame_pos, "ROW_NUMBER() takes no window frame");
    }
    spec->frame = OverSpec::Frame::kRows;
    return Status::Ok();
  }
  spec->frame =
      w.frame == OverWindowAst::Frame::kRows ? OverSpec::Frame::kRows : OverSpec::Frame::kRange;
  spec->unbounded = w.frame == OverWindowAst::Frame::kDefault || w.unbounded;
  if (spec->unbounded || !w.preceding) return Status::Ok();
  if (spec->frame == OverSpec::Frame::kRows) {
    auto n = IntegerLiteral(*w.preceding);
    if (!n) {
      return PlanErrorAt(file_, w.preceding->pos,
                         "a ROWS frame needs a constant row count: ROWS BETWEEN n PRECEDING");
    }
    spec->preceding = *n;
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(spec->preceding,
                   binder_->BindIntervalConstant(*w.preceding, "the RANGE of an OVER window"));
  if (spec->preceding < 0) {
    return PlanErrorAt(file_, w.preceding->pos, "the RANGE of an OVER window must not be negative");
  }
  return Status::Ok();
}

Result<OverCall> OverBinder::BindCall(const AstExpr& call, const Scope& scope,
                                      std::vector<BoundExprPtr>* extra, size_t base) {
  OverCall c;
  c.function = call.name_parts[0];
  for (const auto& a : call.args) {
    if (ContainsOver(*a)) return PlanErrorAt(file_, a->pos, "OVER calls cannot be nested");
  }
  if (call.distinct) return PlanErrorAt(file_, call.pos, "DISTINCT is not supported with OVER");
  if (c.function == "ROW_NUMBER") {
    if (!call.args.empty() || call.star_arg) {
      return PlanErrorAt(file_, call.pos, "ROW_NUMBER() takes no arguments");
    }
    c.type = LogicalType::BigInt().WithNullable(false);
    return c;
  }
  if (c.function == "LAG") {
    if (call.args.empty() || call.args.size() > 3 || call.filter) {
      return PlanErrorAt(file_, call.pos, "LAG takes (value [, offset [, default]])");
    }
    ASSIGN_OR_RETURN(BoundExprPtr arg, binder_->Bind(*call.args[0], scope, "LAG"));
    c.type = arg->type.WithNullable(true);
    c.arg = ColumnOf(arg, extra, base);
    if (call.args.size() >= 2) {
      auto n = IntegerLiteral(*call.args[1]);
      if (!n || *n < 0) {
        return PlanErrorAt(file_, call.args[1]->pos, "the LAG offset must be a constant integer");
      }
      c.offset = *n;
    }
    if (call.args.size() == 3) {
      ASSIGN_OR_RETURN(BoundExprPtr d, binder_->Bind(*call.args[2], scope, "LAG"));
      if (!d->type.WithNullable(true).SameAs(c.type)) d = MakeCast(d, c.type, false);
      c.default_column = ColumnOf(d, extra, base);
    }
    return c;
  }
  if (!IsAggregateName(c.function)) {
    return PlanErrorAt(file_, call.pos,
                       fmt::format("{} is not supported with OVER; use COUNT, SUM, AVG, MIN, MAX, "
                                   "LAG or ROW_NUMBER",
                                   c.function));
  }
  AstExpr plain = call;
  plain.over.reset();
  AggregateScope aggs;
  ASSIGN_OR_RETURN(BoundExprPtr ignored, binder_->BindAggregated(plain, scope, &aggs));
  (void)ignored;
  const BoundAggregate& a = aggs.aggregates.at(0);
  c.count_star = a.count_star;
  c.type = a.type;
  if (a.arg) c.arg = ColumnOf(a.arg, extra, base);
  if (a.filter) c.filter = ColumnOf(a.filter, extra, base);
  return c;
}

size_t OverBinder::ColumnOf(const BoundExprPtr& expr, std::vector<BoundExprPtr>* extra,
                            size_t base) {
  if (auto c = ExprRewriter::AsColumn(expr)) return *c;
  std::string text = expr->ToString();
  for (size_t i = 0; i < extra->size(); ++i) {
    if ((*extra)[i]->ToString() == text) return base + i;
  }
  extra->push_back(expr);
  return base + extra->size() - 1;
}

Result<std::optional<PlanNodePtr>> OverBinder::RankFilter(const PlanNodePtr& input,
                                                          const BoundExprPtr& predicate,
                                                          SourcePos pos) {
  if (input->kind != PlanKind::kProject) return std::optional<PlanNodePtr>();
  const PlanNodePtr& over = input->inputs[0];
  if (over->kind != PlanKind::kOverAggregate || over->over.calls.size() != 1 ||
      over->over.calls[0].function != "ROW_NUMBER") {
    return std::optional<PlanNodePtr>();
  }
  const size_t rn = over->schema->size() - 1;
  auto refers_rn = [&](const BoundExprPtr& e) {
    auto c = ExprRewriter::AsColumn(e);
    if (!c) return false;
    auto below = ExprRewriter::AsColumn(input->exprs[*c]);
    return below && *below == rn;
  };
  const std::string& op = predicate->function;
  bool shape = predicate->kind == BoundExprKind::kCall && predicate->args.size() == 2 &&
               (op == "=" || op == "<=" || op == "<") && refers_rn(predicate->args[0]) &&
               predicate->args[1]->kind == BoundExprKind::kLiteral &&
               std::holds_alternative<int64_t>(predicate->args[1]->literal.data);
  if (!shape) {
    return PlanErrorAt(file_, pos,
                       "a ROW_NUMBER() column can be filtered only as `rn = 1`, `rn <= N` or "
                       "`rn < N` (deduplication or Top-N)");
  }
  int64_t n = predicate->args[1]->literal.as_int();
  int64_t limit = op == "<" ? n - 1 : n;
  if ((op == "=" && n != 1) || limit < 1) {
    return PlanErrorAt(file_, pos,
                       "the row-number filter must keep at least row 1 (`rn = 1` or "
                       "`rn <= N` with N >= 1)");
  }
  auto node = std::make_shared<PlanNode>(*over);
  node->kind = PlanKind::kRank;
  node->rank.partition_keys = over->over.partition_keys;
  node->rank.order_column = over->over.order_column;
  node->rank.descending = over->over.descending;
  node->rank.limit = limit;
  node->rank.window_end_column = over->over.window_end_column;
  for (const auto& e : input->exprs) {
    std::set<size_t> used;
    ExprRewriter::CollectColumns(e, &used);
    node->rank.with_row_number |= used.count(rn) > 0;
  }
  node->changelog = !node->rank.window_end_column && (limit > 1 || node->rank.descending);
  if (node->changelog || node->rank.window_end_column) node->rowtime_column.reset();
  return std::optional<PlanNodePtr>(
      PlanBuilder::Project(node, input->exprs, PlanBuilder::Names(*input)));
}

}  // namespace sluice::sql
