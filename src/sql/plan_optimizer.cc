#include "sql/plan_optimizer.h"

#include "sql/expr_rewriter.h"
#include "sql/plan_builder.h"
#include "sql/unread_field_marker.h"

namespace sluice::sql {
namespace {

std::set<size_t> AllColumns(const PlanNode& node) {
  std::set<size_t> all;
  for (size_t i = 0; i < node.schema->size(); ++i) all.insert(i);
  return all;
}

std::vector<std::optional<size_t>> Identity(size_t n) {
  std::vector<std::optional<size_t>> m(n);
  for (size_t i = 0; i < n; ++i) m[i] = i;
  return m;
}

bool IsIdentityProject(const PlanNode& node) {
  const PlanNode& input = *node.inputs[0];
  if (node.exprs.size() != input.schema->size()) return false;
  for (size_t i = 0; i < node.exprs.size(); ++i) {
    auto c = ExprRewriter::AsColumn(node.exprs[i]);
    if (!c || *c != i || node.schema->field(i).name != input.schema->field(i).name) return false;
  }
  return true;
}

PlanNodePtr WithInputs(const PlanNodePtr& node, std::vector<PlanNodePtr> inputs) {
  if (inputs == node->inputs) return node;
  auto copy = std::make_shared<PlanNode>(*node);
  copy->inputs = std::move(inputs);
  return copy;
}

BoundExprPtr And(const BoundExprPtr& a, const BoundExprPtr& b) {
  if (!a) return b;
  LogicalType t = LogicalType::Boolean().WithNullable(a->type.nullable || b->type.nullable);
  return MakeCall("AND", {a, b}, t);
}

}  // namespace

PlanNodePtr PlanOptimizer::Optimize(const PlanNodePtr& root) {
  PlanNodePtr plan = PushFilters(MergeProjects(root));
  return UnreadFieldMarker::Mark(Prune(plan, AllColumns(*plan)).node);
}

PlanNodePtr PlanOptimizer::MergeProjects(const PlanNodePtr& node) {
  std::vector<PlanNodePtr> inputs;
  for (const auto& in : node->inputs) inputs.push_back(MergeProjects(in));
  if (node->kind != PlanKind::kProject) return WithInputs(node, std::move(inputs));
  PlanNodePtr input = inputs[0];
  std::vector<BoundExprPtr> exprs = node->exprs;
  if (input->kind == PlanKind::kProject) {
    for (auto& e : exprs) e = ExprRewriter::Substitute(e, input->exprs);
    input = input->inputs[0];
  }
  PlanNodePtr merged = PlanBuilder::Project(input, std::move(exprs), PlanBuilder::Names(*node));
  if (IsIdentityProject(*merged)) return input;
  return merged;
}

PlanNodePtr PlanOptimizer::PushFilters(const PlanNodePtr& node) {
  std::vector<PlanNodePtr> inputs;
  for (const auto& in : node->inputs) inputs.push_back(PushFilters(in));
  if (node->kind == PlanKind::kFilter && inputs[0]->kind == PlanKind::kScan) {
    auto scan = std::make_shared<PlanNode>(*inputs[0]);
    scan->scan.filter = And(scan->scan.filter, node->predicate);
    return scan;
  }
  return WithInputs(node, std::move(inputs));
}

PlanOptimizer::Pruned PlanOptimizer::Prune(const PlanNodePtr& node, std::set<size_t> required) {
  switch (node->kind) {
    case PlanKind::kScan:
      return PruneScan(*node, std::move(required));
    case PlanKind::kProject:
      return PruneProject(*node, required);
    case PlanKind::kWindowAggregate:
    case PlanKind::kGroupAggregate:
      return PruneAggregate(*node);
    case PlanKind::kFilter: {
      ExprRewriter::CollectColumns(node->predicate, &required);
      Pruned child = Prune(node->inputs[0], std::move(required));
      auto copy = std::make_shared<PlanNode>(*node);
      copy->predicate = ExprRewriter::Remap(node->predicate, child.mapping);
      copy->inputs = {child.node};
      copy->schema = child.node->schema;
      copy->rowtime_column = child.node->rowtime_column;
      return {copy, child.mapping};
    }
    case PlanKind::kUnion:
    case PlanKind::kSink:
    case PlanKind::kWindowTable:
    case PlanKind::kIntervalJoin:
    case PlanKind::kWindowJoin:
    case PlanKind::kUnnest:
      return KeepAll(*node);
    case PlanKind::kOverAggregate:
    case PlanKind::kRank:
      return PruneAppending(*node, required);
  }
  return {node, Identity(node->schema->size())};
}

PlanOptimizer::Pruned PlanOptimizer::KeepAll(const PlanNode& node) {
  auto copy = std::make_shared<PlanNode>(node);
  for (auto& in : copy->inputs) in = Prune(in, AllColumns(*in)).node;
  return {copy, Identity(node.schema->size())};
}

PlanOptimizer::Pruned PlanOptimizer::PruneScan(const PlanNode& node, std::set<size_t> required) {
  const ScanSpec& old = node.scan;
  if (old.rowtime_column) required.insert(*old.rowtime_column);
  ExprRewriter::CollectColumns(old.watermark_expr, &required);
  ExprRewriter::CollectColumns(old.filter, &required);
  // Stored columns (indexes into the old decoded schema) the kept outputs read.
  std::set<size_t> decoded_used;
  for (size_t i : required) ExprRewriter::CollectColumns(old.outputs[i], &decoded_used);
  std::vector<std::optional<size_t>> decoded_map(old.decoded_columns.size());
  auto copy = std::make_shared<PlanNode>(node);
  ScanSpec& scan = copy->scan;
  scan.decoded_columns.clear();
  auto decoded_schema = std::make_shared<Schema>();
  for (size_t d : decoded_used) {
    decoded_map[d] = scan.decoded_columns.size();
    scan.decoded_columns.push_back(old.decoded_columns[d]);
    decoded_schema->Add(old.decoded_schema->field(d));
  }
  scan.decoded_schema = decoded_schema;
  std::vector<std::optional<size_t>> mapping(old.outputs.size());
  auto schema = std::make_shared<Schema>();
  scan.outputs.clear();
  for (size_t i : required) {
    mapping[i] = scan.outputs.size();
    scan.outputs.push_back(ExprRewriter::Remap(old.outputs[i], decoded_map));
    schema->Add(node.schema->field(i));
  }
  copy->schema = schema;
  if (old.rowtime_column) scan.rowtime_column = mapping[*old.rowtime_column];
  copy->rowtime_column = scan.rowtime_column;
  if (old.watermark_expr) scan.watermark_expr = ExprRewriter::Remap(old.watermark_expr, mapping);
  if (old.filter) scan.filter = ExprRewriter::Remap(old.filter, mapping);
  return {copy, mapping};
}

PlanOptimizer::Pruned PlanOptimizer::PruneProject(const PlanNode& node,
                                                  const std::set<size_t>& required) {
  std::set<size_t> kept = required;
  if (kept.empty() && !node.exprs.empty()) kept.insert(0);
  std::set<size_t> child_required;
  for (size_t i : kept) ExprRewriter::CollectColumns(node.exprs[i], &child_required);
  Pruned child = Prune(node.inputs[0], std::move(child_required));
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  std::vector<std::optional<size_t>> mapping(node.exprs.size());
  for (size_t i : kept) {
    mapping[i] = exprs.size();
    exprs.push_back(ExprRewriter::Remap(node.exprs[i], child.mapping));
    names.push_back(node.schema->field(i).name);
  }
  return {PlanBuilder::Project(child.node, std::move(exprs), names), mapping};
}

PlanOptimizer::Pruned PlanOptimizer::PruneAggregate(const PlanNode& node) {
  std::set<size_t> required;
  for (const auto& k : node.group_keys) ExprRewriter::CollectColumns(k, &required);
  for (const auto& a : node.aggregates) {
    ExprRewriter::CollectColumns(a.arg, &required);
    ExprRewriter::CollectColumns(a.filter, &required);
  }
  if (node.kind == PlanKind::kWindowAggregate) required.insert(node.window.time_column);
  Pruned child = Prune(node.inputs[0], std::move(required));
  auto copy = std::make_shared<PlanNode>(node);
  copy->inputs = {child.node};
  for (auto& k : copy->group_keys) k = ExprRewriter::Remap(k, child.mapping);
  for (auto& a : copy->aggregates) {
    if (a.arg) a.arg = ExprRewriter::Remap(a.arg, child.mapping);
    if (a.filter) a.filter = ExprRewriter::Remap(a.filter, child.mapping);
  }
  if (node.kind == PlanKind::kWindowAggregate) {
    copy->window.time_column = *child.mapping[node.window.time_column];
  }
  return {copy, Identity(node.schema->size())};
}

PlanOptimizer::Pruned PlanOptimizer::PruneAppending(const PlanNode& node,
                                                    const std::set<size_t>& required) {
  const size_t n = node.inputs[0]->schema->size();
  const bool over = node.kind == PlanKind::kOverAggregate;
  std::set<size_t> child_required;
  for (size_t i : required) {
    if (i < n) child_required.insert(i);
  }
  const std::vector<size_t>& keys = over ? node.over.partition_keys : node.rank.partition_keys;
  child_required.insert(keys.begin(), keys.end());
  child_required.insert(over ? node.over.order_column : node.rank.order_column);
  if (node.over.window_end_column) child_required.insert(*node.over.window_end_column);
  for (const OverCall& c : node.over.calls) {
    for (const auto& col : {c.arg, c.filter, c.default_column}) {
      if (col) child_required.insert(*col);
    }
  }
  Pruned child = Prune(node.inputs[0], std::move(child_required));
  auto remap = [&](size_t i) { return *child.mapping[i]; };
  auto copy = std::make_shared<PlanNode>(node);
  copy->inputs = {child.node};
  OverSpec& spec = copy->over;
  for (size_t& k : spec.partition_keys) k = remap(k);
  spec.order_column = remap(spec.order_column);
  for (OverCall& c : spec.calls) {
    for (auto* col : {&c.arg, &c.filter, &c.default_column}) {
      if (*col) *col = remap(**col);
    }
  }
  for (size_t& k : copy->rank.partition_keys) k = remap(k);
  copy->rank.order_column = remap(copy->rank.order_column);
  for (auto* col : {&spec.window_end_column, &copy->rank.window_end_column}) {
    if (*col) *col = remap(**col);
  }
  auto schema = std::make_shared<Schema>(*child.node->schema);
  std::vector<std::optional<size_t>> mapping(node.schema->size());
  for (size_t i = 0; i < n; ++i) mapping[i] = child.mapping[i];
  for (size_t i = n; i < node.schema->size(); ++i) {
    mapping[i] = schema->size();
    schema->Add(node.schema->field(i));
  }
  copy->schema = schema;
  if (node.rowtime_column) copy->rowtime_column = mapping[*node.rowtime_column];
  return {copy, mapping};
}

}  // namespace sluice::sql
