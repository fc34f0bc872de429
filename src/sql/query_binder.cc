#include "sql/query_binder.h"

#include <fmt/format.h>

#include <set>

#include "sql/expr_rewriter.h"
#include "sql/group_window_rewriter.h"
#include "sql/join_binder.h"
#include "sql/over_binder.h"
#include "sql/plan_builder.h"
#include "sql/plan_error.h"
#include "sql/type_coercion.h"

namespace sluice::sql {
namespace {

constexpr int kMaxViewDepth = 32;

Scope Qualified(Scope scope, const std::string& qualifier) {
  scope.description = qualifier;
  for (auto& c : scope.columns) c.qualifier = qualifier;
  return scope;
}

Scope ScopeOfNode(const PlanNode& node, const std::string& qualifier) {
  Scope scope;
  scope.description = qualifier.empty() ? "the query" : qualifier;
  for (const auto& f : node.schema->fields()) scope.columns.push_back({qualifier, f.name, f.type});
  return scope;
}

bool ReferencesAtOrAbove(const BoundExprPtr& expr, size_t first) {
  std::set<size_t> columns;
  ExprRewriter::CollectColumns(expr, &columns);
  return !columns.empty() && *columns.rbegin() >= first;
}

std::string TypeText(const LogicalType& t) { return t.WithNullable(true).ToString(); }

}  // namespace

Result<Relation> QueryBinder::BindQuery(const Query& query) {
  if (query.branches.size() == 1) return BindSelect(query.branches[0]);
  std::vector<Relation> branches;
  for (const auto& branch : query.branches) {
    ASSIGN_OR_RETURN(Relation r, BindSelect(branch));
    branches.push_back(std::move(r));
  }
  return BindUnion(std::move(branches), query);
}

Result<Relation> QueryBinder::BindSelect(const SelectStmt& stmt) {
  if (!stmt.from) return PlanErrorAt(file_, stmt.pos, "SELECT without FROM is not supported");
  ASSIGN_OR_RETURN(std::optional<SelectStmt> group_window,
                   GroupWindowRewriter::Rewrite(file_, stmt));
  if (group_window) return BindSelect(*group_window);
  ASSIGN_OR_RETURN(From from, BindFrom(*stmt.from));
  bool over = false;
  for (const auto& item : stmt.items) over |= OverBinder::ContainsOver(*item.expr);
  bool grouped = !stmt.group_by.empty() || stmt.having != nullptr;
  for (const auto& item : stmt.items) {
    grouped |= item.expr->kind != AstExprKind::kStar && binder_->ContainsAggregate(*item.expr);
  }
  if (from.window && !grouped && !over && from.window->session_gap_ms == 0) {
    // The window TVF's rows themselves (e.g. the inputs of a window join).
    Relation rows = WindowTable(from);
    from.input = rows;
    from.scope = rows.scope;
    from.window.reset();
  }
  ASSIGN_OR_RETURN(PlanNodePtr input, BindWhere(stmt, from));
  if (over && !from.window) {
    ASSIGN_OR_RETURN(OverBinder::Bound bound,
                     OverBinder(file_, binder_).Bind(stmt, from.scope, input));
    From over_from;
    over_from.input.node = bound.node;
    over_from.input.scope = bound.scope;
    over_from.scope = bound.scope;
    return BindProjection(bound.stmt, over_from, bound.node);
  }
  if (grouped) return BindAggregation(stmt, from, input);
  if (from.window) {
    return PlanErrorAt(file_, stmt.from->pos,
                       fmt::format("the rows of window TVF {} must be aggregated with GROUP BY "
                                   "window_start, window_end",
                                   stmt.from->tvf_function));
  }
  return BindProjection(stmt, from, input);
}

Result<PlanNodePtr> QueryBinder::BindWhere(const SelectStmt& stmt, const From& from) {
  if (!stmt.where) return from.input.node;
  ASSIGN_OR_RETURN(BoundExprPtr predicate, binder_->Bind(*stmt.where, from.scope, "WHERE"));
  if (predicate->type.id != TypeId::kBoolean) {
    return PlanErrorAt(
        file_, stmt.where->pos,
        fmt::format("WHERE must be a BOOLEAN condition, not {}", TypeText(predicate->type)));
  }
  if (from.window && ReferencesAtOrAbove(predicate, from.input.node->schema->size())) {
    return PlanErrorAt(file_, stmt.where->pos,
                       "WHERE over a window TVF may use only the input's columns, not "
                       "window_start, window_end or window_time");
  }
  ASSIGN_OR_RETURN(
      auto rank,
      OverBinder(file_, binder_).RankFilter(from.input.node, predicate, stmt.where->pos));
  if (rank) return *rank;
  return PlanBuilder::Filter(from.input.node, predicate);
}

std::vector<std::string> QueryBinder::OutputNames(const SelectStmt& stmt) const {
  std::vector<std::string> names;
  for (size_t i = 0; i < stmt.items.size(); ++i) {
    const SelectItem& item = stmt.items[i];
    if (!item.alias.empty())
      names.push_back(item.alias);
    else if (item.expr->kind == AstExprKind::kIdentifier)
      names.push_back(item.expr->name_parts.back());
    else
      names.push_back(fmt::format("EXPR${}", i));
  }
  return names;
}

Result<Relation> QueryBinder::BindProjection(const SelectStmt& stmt, const From& from,
                                             PlanNodePtr input) {
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  std::vector<std::string> item_names = OutputNames(stmt);
  for (size_t i = 0; i < stmt.items.size(); ++i) {
    const AstExpr& e = *stmt.items[i].expr;
    if (e.kind == AstExprKind::kStar) {
      std::string qualifier = e.name_parts.empty() ? "" : e.name_parts[0];
      size_t before = exprs.size();
      for (size_t c = 0; c < from.scope.columns.size(); ++c) {
        const ScopeColumn& column = from.scope.columns[c];
        if (!qualifier.empty() && column.qualifier != qualifier) continue;
        exprs.push_back(MakeColumnRef(c, column.type));
        names.push_back(column.name);
      }
      if (exprs.size() == before) {
        return PlanErrorAt(file_, e.pos,
                           fmt::format("unknown table '{}' in {}.*", qualifier, qualifier));
      }
      continue;
    }
    ASSIGN_OR_RETURN(BoundExprPtr bound, binder_->Bind(e, from.scope, "SELECT without GROUP BY"));
    exprs.push_back(std::move(bound));
    names.push_back(item_names[i]);
  }
  return Finish(stmt, std::move(input), std::move(exprs), names);
}

Result<Relation> QueryBinder::Finish(const SelectStmt& stmt, PlanNodePtr input,
                                     std::vector<BoundExprPtr> exprs,
                                     const std::vector<std::string>& names) {
  PlanNodePtr node = PlanBuilder::Project(std::move(input), std::move(exprs), names);
  if (stmt.distinct) {
    auto distinct = std::make_shared<PlanNode>();
    distinct->kind = PlanKind::kGroupAggregate;
    distinct->schema = node->schema;
    distinct->changelog = true;
    for (size_t i = 0; i < node->schema->size(); ++i) {
      distinct->group_keys.push_back(MakeColumnRef(i, node->schema->field(i).type));
    }
    distinct->inputs.push_back(node);
    node = distinct;
  }
  Relation r;
  r.scope = ScopeOfNode(*node, "");
  r.node = std::move(node);
  return r;
}

Result<Relation> QueryBinder::BindAggregation(const SelectStmt& stmt, const From& from,
                                              PlanNodePtr input) {
  const size_t n = from.input.node->schema->size();
  AggregateScope aggs;
  std::vector<BoundExprPtr> keys;
  Schema schema;
  bool has_start = false;
  bool has_end = false;
  for (const auto& g : stmt.group_by) {
    ASSIGN_OR_RETURN(BoundExprPtr key, binder_->Bind(*g, from.scope, "GROUP BY"));
    auto column = ExprRewriter::AsColumn(key);
    if (from.window && column && *column >= n) {
      has_start |= *column == n;
      has_end |= *column == n + 1;
      continue;
    }
    if (from.window && ReferencesAtOrAbove(key, n)) {
      return PlanErrorAt(file_, g->pos,
                         "window_start, window_end and window_time can be grouped only as plain "
                         "columns");
    }
    aggs.keys.push_back({key->ToString(), keys.size(), key->type});
    schema.Add({column ? from.scope.columns[*column].name : fmt::format("$key{}", keys.size()),
                key->type});
    keys.push_back(key);
  }
  if (from.window && from.window->session_gap_ms > 0) {
    RETURN_IF_ERROR(CheckSessionKeys(stmt, schema));
  }
  if (from.window) {
    if (!has_start || !has_end) {
      SourcePos pos = stmt.group_by.empty() ? stmt.pos : stmt.group_by[0]->pos;
      return PlanErrorAt(file_, pos,
                         fmt::format("GROUP BY over window TVF {} must include both window_start "
                                     "and window_end",
                                     stmt.from->tvf_function));
    }
    for (size_t w = 0; w < 3; ++w) {
      const ScopeColumn& c = from.scope.columns[n + w];
      aggs.keys.push_back({MakeColumnRef(n + w, c.type)->ToString(), keys.size() + w, c.type});
      schema.Add({c.name, c.type});
    }
  }
  aggs.aggregate_base = schema.size();
  std::vector<BoundExprPtr> exprs;
  for (const auto& item : stmt.items) {
    if (item.expr->kind == AstExprKind::kStar) {
      return PlanErrorAt(file_, item.expr->pos,
                         "SELECT * cannot be used with GROUP BY or aggregate functions");
    }
    ASSIGN_OR_RETURN(BoundExprPtr e, binder_->BindAggregated(*item.expr, from.scope, &aggs));
    exprs.push_back(std::move(e));
  }
  BoundExprPtr having;
  if (stmt.having) {
    ASSIGN_OR_RETURN(having, binder_->BindAggregated(*stmt.having, from.scope, &aggs));
    if (having->type.id != TypeId::kBoolean) {
      return PlanErrorAt(file_, stmt.having->pos,
                         fmt::format("HAVING must be a BOOLEAN condition, "
                                     "not {}",
                                     TypeText(having->type)));
    }
  }
  for (size_t i = 0; i < aggs.aggregates.size(); ++i) {
    const BoundAggregate& a = aggs.aggregates[i];
    if (from.window && (ReferencesAtOrAbove(a.arg, n) || ReferencesAtOrAbove(a.filter, n))) {
      return PlanErrorAt(file_, stmt.pos,
                         fmt::format("{} uses a window column; aggregate functions may use only "
                                     "the window TVF's input columns",
                                     a.function));
    }
    schema.Add({fmt::format("$agg{}", i), a.type});
  }
  auto node = std::make_shared<PlanNode>();
  node->schema = std::make_shared<Schema>(std::move(schema));
  node->group_keys = std::move(keys);
  node->aggregates = std::move(aggs.aggregates);
  if (from.window) {
    if (input->changelog && from.window->session_gap_ms > 0) {
      return PlanErrorAt(file_, stmt.from->pos,
                         "SESSION windows over an input that produces updates or deletes are not "
                         "supported; use TUMBLE, HOP or CUMULATE");
    }
    node->kind = PlanKind::kWindowAggregate;
    node->window = *from.window;
    // With an allowed lateness, late rows update results already emitted (-U/+U). A changelog
    // input (retractions included) updates windows before they fire, as Flink does: the output
    // stays append-only; retractions for fired windows are late rows like any other.
    node->changelog = allowed_lateness_ms_ > 0;
    node->rowtime_column = node->group_keys.size() + 2;
  } else {
    node->kind = PlanKind::kGroupAggregate;
    node->changelog = true;
  }
  node->inputs.push_back(std::move(input));
  PlanNodePtr top = node;
  if (having) top = PlanBuilder::Filter(top, having);
  return Finish(stmt, top, std::move(exprs), OutputNames(stmt));
}

Result<Relation> QueryBinder::BindUnion(std::vector<Relation> branches, const Query& query) {
  const Schema& first = *branches[0].node->schema;
  std::vector<LogicalType> types;
  for (const auto& f : first.fields()) types.push_back(f.type);
  for (size_t b = 1; b < branches.size(); ++b) {
    const Schema& s = *branches[b].node->schema;
    if (s.size() != first.size()) {
      return PlanErrorAt(file_, query.branches[b].pos,
                         fmt::format("UNION ALL branches must have the same number of columns; "
                                     "the first has {}, this one {}",
                                     first.size(), s.size()));
    }
    for (size_t c = 0; c < s.size(); ++c) {
      auto common = TypeCoercion::CommonType(types[c], s.field(c).type);
      if (!common) {
        return PlanErrorAt(
            file_, query.branches[b].pos,
            fmt::format("UNION ALL column {} ('{}'): {} and {} have no common type", c + 1,
                        first.field(c).name, TypeText(types[c]), TypeText(s.field(c).type)));
      }
      types[c] = *common;
    }
  }
  std::vector<std::string> names = PlanBuilder::Names(*branches[0].node);
  auto node = std::make_shared<PlanNode>();
  node->kind = PlanKind::kUnion;
  auto schema = std::make_shared<Schema>();
  for (size_t c = 0; c < names.size(); ++c) schema->Add({names[c], types[c]});
  node->schema = schema;
  node->rowtime_column = branches[0].node->rowtime_column;
  for (auto& branch : branches) {
    PlanNodePtr input = branch.node;
    bool needs_project = PlanBuilder::Names(*input) != names;
    std::vector<BoundExprPtr> exprs;
    for (size_t c = 0; c < names.size(); ++c) {
      const LogicalType& t = input->schema->field(c).type;
      BoundExprPtr ref = MakeColumnRef(c, t);
      if (!t.SameAs(types[c])) {
        ref = MakeCast(ref, types[c].WithNullable(t.nullable), false);
        needs_project = true;
      }
      exprs.push_back(ref);
    }
    if (needs_project) input = PlanBuilder::Project(input, std::move(exprs), names);
    if (input->rowtime_column != node->rowtime_column) node->rowtime_column.reset();
    node->changelog |= input->changelog;
    node->inputs.push_back(std::move(input));
  }
  Relation r;
  r.scope = ScopeOfNode(*node, "");
  r.node = std::move(node);
  return r;
}

Relation QueryBinder::WindowTable(const From& from) {
  auto node = std::make_shared<PlanNode>();
  node->kind = PlanKind::kWindowTable;
  node->window = *from.window;
  auto schema = std::make_shared<Schema>(*from.input.node->schema);
  const size_t n = schema->size();
  for (size_t w = 0; w < 3; ++w) {
    schema->Add({from.scope.columns[n + w].name, from.scope.columns[n + w].type});
  }
  node->schema = schema;
  node->rowtime_column = n + 2;  // window_time; the input's rowtime becomes a plain column
  node->inputs.push_back(from.input.node);
  Relation r;
  r.node = node;
  r.scope = from.scope;
  return r;
}

Result<Relation> QueryBinder::BindJoinSide(const TableRef& ref) {
  if (ref.kind == TableRefKind::kJoin) return BindJoin(ref);
  if (ref.kind == TableRefKind::kUnnest) return BindUnnest(ref);
  if (ref.kind != TableRefKind::kWindowTvf) return BindTableRef(ref);
  ASSIGN_OR_RETURN(From from, BindWindowTvf(ref));
  if (from.window->session_gap_ms > 0) {
    return PlanErrorAt(file_, ref.pos,
                       "a SESSION window TVF cannot be joined; window joins take TUMBLE, HOP or "
                       "CUMULATE");
  }
  return WindowTable(from);
}

Result<Relation> QueryBinder::BindJoin(const TableRef& ref) {
  ASSIGN_OR_RETURN(Relation left, BindJoinSide(*ref.join_left));
  ASSIGN_OR_RETURN(Relation right, BindJoinSide(*ref.join_right));
  return JoinBinder(file_, binder_).Bind(ref, std::move(left), std::move(right));
}

Result<Relation> QueryBinder::BindUnnest(const TableRef& ref) {
  ASSIGN_OR_RETURN(Relation left, BindJoinSide(*ref.join_left));
  ASSIGN_OR_RETURN(BoundExprPtr collection, binder_->Bind(*ref.unnest_expr, left.scope, "UNNEST"));
  const LogicalType& type = collection->type;
  if (type.id != TypeId::kArray && type.id != TypeId::kMap) {
    return PlanErrorAt(file_, ref.unnest_expr->pos,
                       fmt::format("UNNEST takes an ARRAY or a MAP, not {}", TypeText(type)));
  }
  // The added columns: a ROW element's fields, a MAP's key and value, or the element.
  std::vector<Field> added;
  const LogicalType& element = type.child(0);
  if (type.id == TypeId::kMap) {
    added = {{"KEY", type.child(0)}, {"VALUE", type.child(1)}};
  } else if (element.id == TypeId::kRow) {
    for (size_t f = 0; f < element.num_children(); ++f) {
      LogicalType t = element.child(f);
      if (element.nullable) t.nullable = true;
      added.push_back({element.field_name(f), t});
    }
  } else {
    added = {{"EXPR$0", element}};
  }
  if (!ref.column_aliases.empty()) {
    if (ref.column_aliases.size() != added.size()) {
      return PlanErrorAt(file_, ref.pos,
                         fmt::format("UNNEST of {} adds {} columns, but the alias names {}",
                                     TypeText(type), added.size(), ref.column_aliases.size()));
    }
    for (size_t i = 0; i < added.size(); ++i) added[i].name = ref.column_aliases[i];
  }
  auto node = std::make_shared<PlanNode>();
  node->kind = PlanKind::kUnnest;
  auto schema = std::make_shared<Schema>(*left.node->schema);
  for (const Field& f : added) {
    schema->Add(f);
    left.scope.columns.push_back({ref.alias, f.name, f.type});
  }
  node->schema = std::move(schema);
  node->inputs = {left.node};
  node->rowtime_column = left.node->rowtime_column;
  node->changelog = left.node->changelog;
  node->unnest = std::move(collection);
  Relation r;
  r.node = std::move(node);
  r.scope = std::move(left.scope);
  return r;
}

Result<QueryBinder::From> QueryBinder::BindFrom(const TableRef& ref) {
  if (ref.kind == TableRefKind::kWindowTvf) return BindWindowTvf(ref);
  Relation r;
  if (ref.kind == TableRefKind::kJoin) {
    ASSIGN_OR_RETURN(r, BindJoin(ref));
  } else if (ref.kind == TableRefKind::kUnnest) {
    ASSIGN_OR_RETURN(r, BindUnnest(ref));
  } else {
    ASSIGN_OR_RETURN(r, BindTableRef(ref));
  }
  From from;
  from.scope = r.scope;
  from.input = std::move(r);
  return from;
}

Result<Relation> QueryBinder::BindTableRef(const TableRef& ref) {
  Relation r;
  switch (ref.kind) {
    case TableRefKind::kNamed: {
      std::string qualifier = ref.alias.empty() ? ref.name : ref.alias;
      if (CatalogTablePtr table = catalog_.FindTable(ref.name)) {
        r.node = PlanBuilder::Scan(table);
        r.scope = ScopeOfNode(*r.node, qualifier);
        return r;
      }
      const CatalogView* view = catalog_.FindView(ref.name);
      if (!view) return catalog_.UnknownTable(ref.name, ref.pos);
      if (view_depth_ >= kMaxViewDepth) {
        return PlanErrorAt(file_, ref.pos, "views are nested too deeply");
      }
      ++view_depth_;
      auto bound = BindQuery(*view->query);
      --view_depth_;
      if (!bound.ok()) return bound.status();
      r = std::move(bound).value();
      if (!view->columns.empty()) {
        if (view->columns.size() != r.node->schema->size()) {
          return PlanErrorAt(file_, view->pos,
                             fmt::format("view '{}' names {} columns, but its query has {}",
                                         view->name, view->columns.size(), r.node->schema->size()));
        }
        r.node = PlanBuilder::Rename(r.node, view->columns);
        r.scope = ScopeOfNode(*r.node, "");
      }
      r.scope = Qualified(std::move(r.scope), qualifier);
      return r;
    }
    case TableRefKind::kSubquery: {
      ASSIGN_OR_RETURN(r, BindQuery(*ref.subquery));
      r.scope = Qualified(std::move(r.scope), ref.alias);
      return r;
    }
    case TableRefKind::kUnnest:
      return BindUnnest(ref);
    case TableRefKind::kWindowTvf:
    case TableRefKind::kJoin:
      break;
  }
  return PlanErrorAt(file_, ref.pos,
                     "a window TVF can be used only directly in FROM, not as the input of another");
}

Result<QueryBinder::From> QueryBinder::BindWindowTvf(const TableRef& ref) {
  if (!ref.tvf_input) {
    return PlanErrorAt(file_, ref.pos, fmt::format("{} needs a TABLE argument", ref.tvf_function));
  }
  ASSIGN_OR_RETURN(Relation input, BindTableRef(*ref.tvf_input));
  std::vector<std::string> names = PlanBuilder::Names(*input.node);
  auto index = input.node->schema->Find(ref.tvf_descriptor);
  const std::string& table = input.scope.description;
  if (!index) {
    return PlanErrorAt(file_, ref.tvf_descriptor_pos,
                       fmt::format("unknown column '{}' in DESCRIPTOR{}", ref.tvf_descriptor,
                                   SuggestName(ref.tvf_descriptor, names, "columns of " + table)));
  }
  const auto& rowtime = input.node->rowtime_column;
  if (!rowtime) {
    return PlanErrorAt(file_, ref.tvf_descriptor_pos,
                       fmt::format("DESCRIPTOR({}) must name an event-time attribute, but {} has "
                                   "none (declare WATERMARK FOR in its CREATE TABLE)",
                                   ref.tvf_descriptor, table));
  }
  if (*rowtime != *index) {
    return PlanErrorAt(file_, ref.tvf_descriptor_pos,
                       fmt::format("DESCRIPTOR({}) must name the event-time attribute of {}, which "
                                   "is '{}'",
                                   ref.tvf_descriptor, table, names[*rowtime]));
  }
  From from;
  ASSIGN_OR_RETURN(WindowSpec window, BindWindowArgs(ref, *index));
  from.window = window;
  std::string qualifier = ref.alias.empty() ? table : ref.alias;
  from.scope = Qualified(input.scope, qualifier);
  LogicalType bound = LogicalType::Timestamp(3).WithNullable(false);
  LogicalType time = LogicalType{input.node->schema->field(*index).type.id, 3, 0, false};
  from.scope.columns.push_back({qualifier, "window_start", bound});
  from.scope.columns.push_back({qualifier, "window_end", bound});
  from.scope.columns.push_back({qualifier, "window_time", time});
  from.input = std::move(input);
  return from;
}

Result<WindowSpec> QueryBinder::BindWindowArgs(const TableRef& ref, size_t time_column) {
  const std::string& fn = ref.tvf_function;
  std::vector<std::string> params;
  WindowSpec w;
  w.time_column = time_column;
  if (fn == "TUMBLE") {
    w.kind = WindowKind::kTumble;
    params = {"size", "offset"};
  } else if (fn == "HOP") {
    w.kind = WindowKind::kHop;
    params = {"slide", "size", "offset"};
  } else if (fn == "CUMULATE") {
    w.kind = WindowKind::kCumulate;
    params = {"step", "size", "offset"};
  } else if (fn == "SESSION") {
    return BindSessionArgs(ref, time_column);
  } else {
    return PlanErrorAt(file_, ref.pos,
                       fmt::format("window TVF {} is not supported; use TUMBLE, "
                                   "HOP, CUMULATE or SESSION",
                                   fn));
  }
  size_t required = params.size() - 1;
  if (ref.tvf_args.size() < required || ref.tvf_args.size() > params.size()) {
    return PlanErrorAt(
        file_, ref.pos,
        fmt::format("{} takes (TABLE t, DESCRIPTOR(time_col), {}[, offset]) but "
                    "got {} interval argument(s)",
                    fn, required == 1 ? "size" : params[0] + ", size", ref.tvf_args.size()));
  }
  std::vector<int64_t> values(params.size(), 0);
  for (size_t i = 0; i < ref.tvf_args.size(); ++i) {
    ASSIGN_OR_RETURN(values[i], binder_->BindIntervalConstant(
                                    *ref.tvf_args[i], fmt::format("the {} {}", fn, params[i])));
    if (i < required && values[i] <= 0) {
      return PlanErrorAt(file_, ref.tvf_args[i]->pos,
                         fmt::format("the {} {} must be positive", fn, params[i]));
    }
  }
  w.size_ms = required == 1 ? values[0] : values[1];
  w.step_ms = required == 1 ? values[0] : values[0];
  w.offset_ms = values[required];
  if (required == 2 && w.size_ms % w.step_ms != 0) {
    return PlanErrorAt(
        file_, ref.tvf_args[1]->pos,
        fmt::format("the {} size must be a whole multiple of its {}", fn, params[0]));
  }
  return w;
}

Result<WindowSpec> QueryBinder::BindSessionArgs(const TableRef& ref, size_t time_column) {
  if (ref.tvf_args.size() != 1) {
    return PlanErrorAt(file_, ref.pos,
                       fmt::format("SESSION takes (TABLE t [PARTITION BY k], DESCRIPTOR(time_col), "
                                   "gap) but got {} interval argument(s)",
                                   ref.tvf_args.size()));
  }
  WindowSpec w;
  w.time_column = time_column;
  ASSIGN_OR_RETURN(w.session_gap_ms,
                   binder_->BindIntervalConstant(*ref.tvf_args[0], "the SESSION gap"));
  if (w.session_gap_ms <= 0) {
    return PlanErrorAt(file_, ref.tvf_args[0]->pos, "the SESSION gap must be positive");
  }
  w.size_ms = w.step_ms = w.session_gap_ms;
  return w;
}

Status QueryBinder::CheckSessionKeys(const SelectStmt& stmt, const Schema& keys) {
  std::set<std::string> grouped;
  for (size_t i = 0; i < keys.size(); ++i) grouped.insert(keys.field(i).name);
  const auto& partition = stmt.from->tvf_partition_by;
  if (grouped == std::set<std::string>(partition.begin(), partition.end())) return Status::Ok();
  return PlanErrorAt(file_, stmt.group_by.empty() ? stmt.pos : stmt.group_by[0]->pos,
                     "GROUP BY over SESSION must be window_start, window_end and exactly the "
                     "columns of the TVF's PARTITION BY (sessions are per partition)");
}

}  // namespace sluice::sql
