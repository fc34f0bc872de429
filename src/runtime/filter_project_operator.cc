#include "runtime/filter_project_operator.h"

#include <fmt/format.h>

#include <numeric>

namespace sluice::runtime {

bool FilterProjectOperator::FusesInputFilter(const sql::PlanNode& node) {
  return node.kind == sql::PlanKind::kProject && !node.inputs.empty() &&
         node.inputs[0]->kind == sql::PlanKind::kFilter;
}

Result<std::unique_ptr<FilterProjectOperator>> FilterProjectOperator::Create(
    const sql::PlanNode& node, const expr::FunctionRegistry& registry) {
  switch (node.kind) {
    case sql::PlanKind::kFilter:
      return Create(node.predicate, {}, node.schema, registry);
    case sql::PlanKind::kProject:
      return Create(FusesInputFilter(node) ? node.inputs[0]->predicate : nullptr, node.exprs,
                    node.schema, registry);
    default:
      return Status::Internal("FilterProjectOperator needs a kFilter or kProject plan node");
  }
}

Result<std::unique_ptr<FilterProjectOperator>> FilterProjectOperator::Create(
    const sql::BoundExprPtr& predicate, const std::vector<sql::BoundExprPtr>& exprs,
    SchemaPtr schema, const expr::FunctionRegistry& registry) {
  auto op = std::unique_ptr<FilterProjectOperator>(new FilterProjectOperator());
  op->schema_ = std::move(schema);
  if (!exprs.empty() && (!op->schema_ || op->schema_->size() != exprs.size())) {
    return Status::Internal("projection output schema does not match its expressions");
  }
  op->predicate_bound_ = predicate;
  if (predicate) {
    ASSIGN_OR_RETURN(op->predicate_, expr::CompileExpr(predicate, registry));
  }
  op->exprs_bound_ = exprs;
  for (const auto& e : exprs) {
    std::unique_ptr<expr::CompiledExpr> compiled;
    if (e->kind != sql::BoundExprKind::kColumnRef) {
      ASSIGN_OR_RETURN(compiled, expr::CompileExpr(e, registry));
    }
    op->exprs_.push_back(std::move(compiled));
  }
  return op;
}

Result<ColumnPtr> FilterProjectOperator::Project(size_t e, const Batch& batch, bool all_rows) {
  if (!exprs_[e]) {
    const size_t column = exprs_bound_[e]->column;
    if (column >= batch.columns.size()) {
      return Status::Internal(fmt::format("projection refers to column {} of a {}-column batch",
                                          column, batch.columns.size()));
    }
    return all_rows ? batch.columns[column] : GatherColumn(*batch.columns[column], selection_);
  }
  return exprs_[e]->Evaluate(batch, all_rows ? nullptr : &selection_, context_);
}

Status FilterProjectOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  const Batch& in = *batch;
  if (in.num_rows == 0) return Status::Ok();
  context_.processing_time_ms = in.processing_time_ms;
  bool all_rows = true;
  if (predicate_) {
    selection_.resize(in.num_rows);
    std::iota(selection_.begin(), selection_.end(), 0u);
    RETURN_IF_ERROR(expr::ApplyFilter(*predicate_, in, context_, &selection_));
    if (selection_.empty()) return Status::Ok();
    all_rows = selection_.size() == in.num_rows;
  }
  if (exprs_.empty()) {
    // A pure filter: the output schema is the input's.
    return Emit(all_rows ? batch : GatherRows(in, selection_));
  }
  auto out = std::make_shared<Batch>();
  out->schema = schema_;
  out->num_rows = all_rows ? in.num_rows : selection_.size();
  out->processing_time_ms = in.processing_time_ms;
  for (size_t e = 0; e < exprs_.size(); ++e) {
    ASSIGN_OR_RETURN(ColumnPtr column, Project(e, in, all_rows));
    out->columns.push_back(std::move(column));
  }
  if (all_rows) {
    out->row_kinds = in.row_kinds;
    out->row_watermarks = in.row_watermarks;
  } else {
    if (!in.row_kinds.empty()) {
      out->row_kinds.reserve(selection_.size());
      for (uint32_t r : selection_) out->row_kinds.push_back(in.row_kinds[r]);
    }
    if (!in.row_watermarks.empty()) {
      out->row_watermarks.reserve(selection_.size());
      for (uint32_t r : selection_) out->row_watermarks.push_back(in.row_watermarks[r]);
    }
  }
  return Emit(out);
}

Status FilterProjectOperator::AdvanceWatermark(Watermark watermark, size_t /*input*/) {
  return EmitWatermark(watermark);
}

Status FilterProjectOperator::Finish() { return EmitFinish(); }

std::string FilterProjectOperator::Describe() const {
  std::vector<std::string> names;
  if (schema_) {
    for (const Field& f : schema_->fields()) names.push_back(f.name);
  }
  std::string text = "FilterProject[";
  if (predicate_bound_) text += "filter=" + predicate_bound_->ToString();
  if (!exprs_bound_.empty()) {
    if (predicate_bound_) text += ", ";
    text += "project=[";
    for (size_t e = 0; e < exprs_bound_.size(); ++e) {
      if (e) text += ", ";
      text += exprs_bound_[e]->ToString();
      if (e < names.size()) text += " AS " + names[e];
    }
    text += "]";
  }
  return text + "]";
}

}  // namespace sluice::runtime
