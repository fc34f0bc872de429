#include "sql/unread_field_marker.h"

namespace sluice::sql {
namespace {

// Calls that read only part of their first argument: a field, an element, the element count,
// whether it is NULL.
bool ReadsPartOfNested(const std::string& function) {
  return function == "FIELD" || function == "ITEM" || function == "ELEMENT" ||
         function == "CARDINALITY" || function == "IS_NULL" || function == "IS_NOT_NULL";
}

}  // namespace

PlanNodePtr UnreadFieldMarker::Mark(const PlanNodePtr& root) {
  UnreadFieldMarker marker;
  marker.CollectNode(*root);
  marker.PropagateAliases();
  return marker.Rewrite(root);
}

void UnreadFieldMarker::ReadWhole(const LogicalType& type) {
  if (!type.nested || !read_whole_.insert(type.nested.get()).second) return;
  for (const LogicalType& child : type.nested->types) ReadWhole(child);
}

void UnreadFieldMarker::ReadWholeColumns(const Schema& schema, const std::vector<size_t>& columns) {
  for (size_t c : columns) {
    if (c < schema.size()) ReadWhole(schema.field(c).type);
  }
}

void UnreadFieldMarker::Alias(const LogicalType& out, const LogicalType& in) {
  if (!out.nested || !in.nested || out.nested == in.nested) return;
  if (out.num_children() != in.num_children()) return;
  aliases_.emplace_back(out.nested.get(), in);
  for (size_t i = 0; i < out.num_children(); ++i) Alias(out.child(i), in.child(i));
}

void UnreadFieldMarker::PropagateAliases() {
  // Outer UNIONs were collected after the inner ones they read from: hand reads on outermost
  // first.
  for (auto it = aliases_.rbegin(); it != aliases_.rend(); ++it) {
    const auto& [out, in] = *it;
    if (read_whole_.count(out)) ReadWhole(in);
    auto fields = read_fields_.find(out);
    if (fields != read_fields_.end()) {
      read_fields_[in.nested.get()].insert(fields->second.begin(), fields->second.end());
    }
  }
}

void UnreadFieldMarker::CollectExpr(const BoundExprPtr& expr, bool passed_on) {
  if (!expr) return;
  if (expr->type.is_nested() && !passed_on) ReadWhole(expr->type);
  if (expr->kind != BoundExprKind::kCall) {
    for (const auto& a : expr->args) CollectExpr(a, false);
    return;
  }
  const bool partial = ReadsPartOfNested(expr->function);
  if (expr->function == "FIELD" && expr->args[0]->type.nested) {
    read_fields_[expr->args[0]->type.nested.get()].insert(
        static_cast<size_t>(expr->args[1]->literal.as_int()));
  }
  for (size_t i = 0; i < expr->args.size(); ++i) CollectExpr(expr->args[i], partial && i == 0);
}

void UnreadFieldMarker::CollectNode(const PlanNode& node) {
  for (const auto& in : node.inputs) CollectNode(*in);
  for (const auto& e : node.scan.outputs) CollectExpr(e, true);
  CollectExpr(node.scan.filter, false);
  CollectExpr(node.scan.watermark_expr, false);
  CollectExpr(node.predicate, false);
  CollectExpr(node.unnest, false);  // its elements become columns: read whole
  for (const auto& e : node.exprs) CollectExpr(e, true);
  for (const auto& e : node.group_keys) CollectExpr(e, false);
  for (const auto& a : node.aggregates) {
    CollectExpr(a.arg, a.function == "COUNT");  // COUNT(x) reads only whether x is NULL
    CollectExpr(a.filter, false);
  }
  const Schema* input = node.inputs.empty() ? nullptr : node.inputs[0]->schema.get();
  switch (node.kind) {
    case PlanKind::kSink:
      for (const Field& f : input->fields()) ReadWhole(f.type);
      break;
    case PlanKind::kUnion:  // its output columns hold its branches' values
      for (const auto& branch : node.inputs) {
        for (size_t c = 0; c < node.schema->size() && c < branch->schema->size(); ++c) {
          Alias(node.schema->field(c).type, branch->schema->field(c).type);
        }
      }
      break;
    case PlanKind::kOverAggregate:
      ReadWholeColumns(*input, node.over.partition_keys);
      break;
    case PlanKind::kRank:
      ReadWholeColumns(*input, node.rank.partition_keys);
      break;
    case PlanKind::kIntervalJoin:
    case PlanKind::kWindowJoin:
      ReadWholeColumns(*input, node.join.left_keys);
      ReadWholeColumns(*node.inputs[1]->schema, node.join.right_keys);
      break;
    default:
      break;
  }
}

LogicalType UnreadFieldMarker::WithUnread(const LogicalType& type) const {
  if (!type.nested || read_whole_.count(type.nested.get())) return type;
  auto nested = std::make_shared<NestedType>(*type.nested);
  for (LogicalType& child : nested->types) child = WithUnread(child);
  if (type.id == TypeId::kRow) {
    auto read = read_fields_.find(type.nested.get());
    nested->unread.assign(nested->types.size(), 1);
    if (read != read_fields_.end()) {
      for (size_t f : read->second) nested->unread[f] = 0;
    }
  }
  LogicalType out = type;
  out.nested = std::move(nested);
  return out;
}

PlanNodePtr UnreadFieldMarker::Rewrite(const PlanNodePtr& node) const {
  auto copy = std::make_shared<PlanNode>(*node);
  for (auto& in : copy->inputs) in = Rewrite(in);
  if (node->kind == PlanKind::kScan && node->scan.decoded_schema) {
    auto schema = std::make_shared<Schema>();
    for (const Field& f : node->scan.decoded_schema->fields()) {
      Field decoded = f;
      decoded.type = WithUnread(f.type);
      schema->Add(std::move(decoded));
    }
    copy->scan.decoded_schema = std::move(schema);
  }
  return copy;
}

}  // namespace sluice::sql
