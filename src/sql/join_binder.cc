#include "sql/join_binder.h"

#include <fmt/format.h>

#include <algorithm>

#include "sql/expr_rewriter.h"
#include "sql/plan_builder.h"
#include "sql/plan_error.h"

namespace sluice::sql {
namespace {

constexpr const char* kSupportedJoins =
    "supported joins are interval joins (ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL .. AND "
    "a.ts + INTERVAL .., over the rowtime attributes of both sides) and window joins (both sides "
    "the same window TVF, ON a.window_start = b.window_start AND a.window_end = b.window_end "
    "AND a.k = b.k)";

void Conjuncts(const BoundExprPtr& e, std::vector<BoundExprPtr>* out) {
  if (e->kind == BoundExprKind::kCall && e->function == "AND") {
    for (const auto& a : e->args) Conjuncts(a, out);
    return;
  }
  out->push_back(e);
}

BoundExprPtr StripCasts(BoundExprPtr e) {
  while (e->kind == BoundExprKind::kCast) e = e->args[0];
  return e;
}

/// The window TVF node a column of `node` comes from unchanged, and which of window_start (0),
/// window_end (1), window_time (2) it is.
struct WindowColumn {
  const PlanNode* table = nullptr;
  int which = 0;
};

std::optional<WindowColumn> TraceWindowColumn(const PlanNode& node, size_t column) {
  switch (node.kind) {
    case PlanKind::kWindowTable: {
      const size_t n = node.inputs[0]->schema->size();
      if (column < n || column > n + 2) return std::nullopt;
      return WindowColumn{&node, static_cast<int>(column - n)};
    }
    case PlanKind::kProject: {
      auto c = ExprRewriter::AsColumn(node.exprs[column]);
      if (!c) return std::nullopt;
      return TraceWindowColumn(*node.inputs[0], *c);
    }
    case PlanKind::kFilter:
      return TraceWindowColumn(*node.inputs[0], column);
    default:
      return std::nullopt;
  }
}

bool SameWindow(const WindowSpec& a, const WindowSpec& b) {
  return a.kind == b.kind && a.size_ms == b.size_ms && a.step_ms == b.step_ms &&
         a.offset_ms == b.offset_ms && a.session_gap_ms == 0 && b.session_gap_ms == 0;
}

std::optional<int64_t> IntervalLiteral(const BoundExprPtr& e) {
  if (e->kind != BoundExprKind::kLiteral || e->type.id != TypeId::kInterval) return std::nullopt;
  if (e->literal.is_null()) return std::nullopt;
  return e->literal.as_int();
}

}  // namespace

Status JoinBinder::CheckKeyTypes(const BoundExprPtr& conjunct, const LogicalType& left,
                                 const LogicalType& right) const {
  auto integral = [](TypeId id) { return id == TypeId::kInt || id == TypeId::kBigInt; };
  if (left.id == right.id && (left.id != TypeId::kDecimal || left.scale == right.scale)) {
    return Status::Ok();
  }
  if (integral(left.id) && integral(right.id)) return Status::Ok();
  return PlanErrorAt(
      file_, conjunct->pos,
      fmt::format("join keys of types {} and {} cannot be matched; CAST one side "
                  "to the other's type in a subquery",
                  left.WithNullable(true).ToString(), right.WithNullable(true).ToString()));
}

Status JoinBinder::Unsupported(SourcePos pos, const std::string& what) const {
  return PlanErrorAt(file_, pos, fmt::format("{}; {}", what, kSupportedJoins));
}

Result<Relation> JoinBinder::Bind(const TableRef& ref, Relation left, Relation right) {
  if (left.node->changelog || right.node->changelog) {
    return PlanErrorAt(file_, ref.pos,
                       "a join input produces updates or deletes; interval and window joins need "
                       "append-only inputs");
  }
  Scope scope;
  scope.description = "the join";
  scope.columns = left.scope.columns;
  for (const auto& c : right.scope.columns) scope.columns.push_back(c);
  ASSIGN_OR_RETURN(BoundExprPtr on, binder_->Bind(*ref.join_on, scope, "ON"));
  if (on->type.id != TypeId::kBoolean) {
    return PlanErrorAt(file_, ref.join_on->pos, "ON must be a BOOLEAN condition");
  }
  std::vector<BoundExprPtr> conjuncts;
  Conjuncts(on, &conjuncts);
  Conditions c;
  for (const auto& conjunct : conjuncts) RETURN_IF_ERROR(Classify(conjunct, left, right, &c));

  std::shared_ptr<PlanNode> node;
  if (!c.window_equalities.empty()) {
    if (c.lower_ms || c.upper_ms) {
      return Unsupported(ref.join_on->pos,
                         "a join cannot be both a window join and an interval join");
    }
    ASSIGN_OR_RETURN(node, WindowJoin(ref, left, right, c));
  } else {
    ASSIGN_OR_RETURN(node, IntervalJoin(ref, left, right, c));
  }
  const JoinSpec& spec = node->join;
  auto schema = std::make_shared<Schema>();
  for (const auto& f : left.node->schema->fields()) {
    schema->Add({f.name, f.type.WithNullable(f.type.nullable || spec.right_outer())});
  }
  for (const auto& f : right.node->schema->fields()) {
    schema->Add({f.name, f.type.WithNullable(f.type.nullable || spec.left_outer())});
  }
  node->schema = schema;
  node->inputs = {left.node, right.node};
  Relation r;
  r.node = node;
  r.scope = scope;
  for (size_t i = 0; i < r.scope.columns.size(); ++i)
    r.scope.columns[i].type = schema->field(i).type;
  return r;
}

Status JoinBinder::Classify(const BoundExprPtr& conjunct, const Relation& left,
                            const Relation& right, Conditions* out) const {
  const size_t n = left.node->schema->size();
  const std::vector<std::string> ops = {"=", "<", "<=", ">", ">="};
  const bool comparison = conjunct->kind == BoundExprKind::kCall &&
                          std::find(ops.begin(), ops.end(), conjunct->function) != ops.end();
  if (comparison) {
    const BoundExprPtr& a = conjunct->args[0];
    const BoundExprPtr& b = conjunct->args[1];
    if (AddTimeBound(conjunct->function, a, b, left, right, out)) return Status::Ok();
    auto is_time = [](const BoundExprPtr& e) {
      return e->type.id == TypeId::kTimestamp || e->type.id == TypeId::kTimestampLtz;
    };
    if (conjunct->function != "=" && is_time(a) && is_time(b)) {
      auto rowtime = [](const Relation& side) {
        return side.node->rowtime_column
                   ? "'" + side.node->schema->field(*side.node->rowtime_column).name + "'"
                   : std::string("none (no WATERMARK FOR)");
      };
      return Unsupported(
          conjunct->pos,
          fmt::format("a time bound in ON must compare the rowtime attributes of both sides, as "
                      "`col [+|- INTERVAL ..]`; the left side's is {}, the right side's {}",
                      rowtime(left), rowtime(right)));
    }
    auto ca = ExprRewriter::AsColumn(StripCasts(a));
    auto cb = ExprRewriter::AsColumn(StripCasts(b));
    if (conjunct->function == "=" && ca && cb && (*ca < n) != (*cb < n)) {
      size_t l = std::min(*ca, *cb);
      size_t r = std::max(*ca, *cb) - n;
      auto lw = TraceWindowColumn(*left.node, l);
      auto rw = TraceWindowColumn(*right.node, r);
      if (lw && rw && lw->which == rw->which && lw->which < 2) {
        out->window_equalities.emplace_back(l, r);
      } else {
        RETURN_IF_ERROR(CheckKeyTypes(conjunct, left.node->schema->field(l).type,
                                      right.node->schema->field(r).type));
        out->left_keys.push_back(l);
        out->right_keys.push_back(r);
      }
      return Status::Ok();
    }
  }
  std::vector<std::string> names;
  for (const auto& col : left.scope.columns) names.push_back(col.name);
  for (const auto& col : right.scope.columns) names.push_back(col.name);
  SourcePos pos = conjunct->pos;
  return Unsupported(pos, fmt::format("the join condition {} is not supported: ON may hold only "
                                      "equalities of a left and a right column and time bounds",
                                      conjunct->ToString(&names)));
}

bool JoinBinder::AddTimeBound(const std::string& op, const BoundExprPtr& lhs,
                              const BoundExprPtr& rhs, const Relation& left, const Relation& right,
                              Conditions* out) const {
  if (!left.node->rowtime_column || !right.node->rowtime_column) return false;
  const size_t n = left.node->schema->size();
  const size_t lt = *left.node->rowtime_column;
  const size_t rt = n + *right.node->rowtime_column;
  auto term = [](const BoundExprPtr& e) -> std::optional<TimeTerm> {
    BoundExprPtr x = StripCasts(e);
    if (auto c = ExprRewriter::AsColumn(x)) return TimeTerm{c, 0};
    if (x->kind == BoundExprKind::kCall && (x->function == "+" || x->function == "-")) {
      auto c = ExprRewriter::AsColumn(StripCasts(x->args[0]));
      auto ms = IntervalLiteral(x->args[1]);
      if (c && ms) return TimeTerm{c, x->function == "+" ? *ms : -*ms};
    }
    return std::nullopt;
  };
  auto a = term(lhs);
  auto b = term(rhs);
  if (!a || !b) return false;
  // a.col + a.off  op  b.col + b.off, with one side each rowtime attribute.
  std::string cmp = op;
  int64_t value = 0;  // right.time - left.time  cmp  value
  if (*a->column == rt && *b->column == lt) {
    value = b->offset_ms - a->offset_ms;
  } else if (*a->column == lt && *b->column == rt) {
    value = a->offset_ms - b->offset_ms;
    if (cmp == "<")
      cmp = ">";
    else if (cmp == "<=")
      cmp = ">=";
    else if (cmp == ">")
      cmp = "<";
    else if (cmp == ">=")
      cmp = "<=";
  } else {
    return false;
  }
  auto tighten = [](std::optional<int64_t>* bound, int64_t v, bool upper) {
    if (!*bound)
      *bound = v;
    else
      *bound = upper ? std::min(**bound, v) : std::max(**bound, v);
  };
  if (cmp == "=" || cmp == "<=") tighten(&out->upper_ms, value, true);
  if (cmp == "=" || cmp == ">=") tighten(&out->lower_ms, value, false);
  if (cmp == "<") tighten(&out->upper_ms, value - 1, true);
  if (cmp == ">") tighten(&out->lower_ms, value + 1, false);
  return true;
}

std::shared_ptr<PlanNode> JoinBinder::NewJoin(PlanKind kind, const TableRef& ref,
                                              const Conditions& c) {
  auto node = std::make_shared<PlanNode>();
  node->kind = kind;
  node->join.type = static_cast<JoinType>(ref.join_kind);
  node->join.left_keys = c.left_keys;
  node->join.right_keys = c.right_keys;
  return node;
}

Result<std::shared_ptr<PlanNode>> JoinBinder::IntervalJoin(const TableRef& ref,
                                                           const Relation& left,
                                                           const Relation& right,
                                                           const Conditions& c) const {
  if (!c.lower_ms || !c.upper_ms) {
    return Unsupported(ref.pos,
                       fmt::format("regular joins are not supported (ON needs {} bound on the "
                                   "difference of the two rowtime attributes)",
                                   c.lower_ms || c.upper_ms ? "both a lower and an upper"
                                                            : "a lower and an upper"));
  }
  if (*c.lower_ms > *c.upper_ms) {
    return PlanErrorAt(file_, ref.join_on->pos,
                       "the interval join's lower time bound is above its upper bound: no row "
                       "can match");
  }
  auto node = NewJoin(PlanKind::kIntervalJoin, ref, c);
  JoinSpec& spec = node->join;
  spec.left_time = *left.node->rowtime_column;
  spec.right_time = *right.node->rowtime_column;
  spec.lower_ms = *c.lower_ms;
  spec.upper_ms = *c.upper_ms;
  if (spec.type == JoinType::kInner || spec.type == JoinType::kLeft) {
    node->rowtime_column = spec.left_time;
  } else if (spec.type == JoinType::kRight) {
    node->rowtime_column = left.node->schema->size() + spec.right_time;
  }
  return node;
}

Result<std::shared_ptr<PlanNode>> JoinBinder::WindowJoin(const TableRef& ref, const Relation& left,
                                                         const Relation& right,
                                                         const Conditions& c) const {
  std::optional<WindowColumn> starts[2], ends[2];
  auto node = NewJoin(PlanKind::kWindowJoin, ref, c);
  JoinSpec& spec = node->join;
  for (const auto& [l, r] : c.window_equalities) {
    auto lw = TraceWindowColumn(*left.node, l);
    auto rw = TraceWindowColumn(*right.node, r);
    if (lw->which == 0) {
      starts[0] = lw;
      starts[1] = rw;
      spec.left_window_start = l;
      spec.right_window_start = r;
    } else {
      ends[0] = lw;
      ends[1] = rw;
      spec.left_window_end = l;
      spec.right_window_end = r;
    }
  }
  if (!starts[0] || !ends[0]) {
    return Unsupported(ref.join_on->pos,
                       "a window join needs both window_start and window_end equal in ON");
  }
  if (starts[0]->table != ends[0]->table || starts[1]->table != ends[1]->table ||
      !SameWindow(starts[0]->table->window, starts[1]->table->window)) {
    return Unsupported(ref.join_on->pos,
                       "the two sides of a window join must be the same window TVF (function, "
                       "size, slide or step, and offset)");
  }
  const size_t n = left.node->schema->size();
  auto time_of = [](const PlanNode& side, size_t end_column) {
    // window_time follows window_end in a window TVF's output; find it through projections.
    for (size_t i = 0; i < side.schema->size(); ++i) {
      auto w = TraceWindowColumn(side, i);
      if (w && w->which == 2 && TraceWindowColumn(side, end_column)->table == w->table) {
        return std::optional<size_t>(i);
      }
    }
    return std::optional<size_t>();
  };
  if (spec.type == JoinType::kInner || spec.type == JoinType::kLeft) {
    node->rowtime_column = time_of(*left.node, spec.left_window_end);
  } else if (spec.type == JoinType::kRight) {
    if (auto t = time_of(*right.node, spec.right_window_end)) node->rowtime_column = n + *t;
  }
  return node;
}

}  // namespace sluice::sql
