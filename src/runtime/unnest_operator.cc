#include "runtime/unnest_operator.h"

#include <fmt/format.h>

namespace sluice::runtime {

Result<std::unique_ptr<UnnestOperator>> UnnestOperator::Create(
    const sql::PlanNode& node, const expr::FunctionRegistry& functions) {
  if (node.kind != sql::PlanKind::kUnnest || node.inputs.size() != 1 || !node.unnest) {
    return Status::Internal("UnnestOperator needs a kUnnest plan node");
  }
  ASSIGN_OR_RETURN(auto collection, expr::CompileExpr(node.unnest, functions));
  std::vector<std::string> names;
  for (const auto& f : node.inputs[0]->schema->fields()) names.push_back(f.name);
  std::string description = fmt::format("Unnest[{}]", node.unnest->ToString(&names));
  return std::unique_ptr<UnnestOperator>(
      new UnnestOperator(node.schema, std::move(collection), std::move(description)));
}

UnnestOperator::UnnestOperator(SchemaPtr schema, std::unique_ptr<expr::CompiledExpr> collection,
                               std::string description)
    : schema_(std::move(schema)),
      collection_(std::move(collection)),
      description_(std::move(description)) {}

Status UnnestOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  const Batch& b = *batch;
  expr::EvalContext context{b.processing_time_ms};
  ASSIGN_OR_RETURN(ColumnPtr collection, collection_->Evaluate(b, nullptr, context));
  const Column& c = *collection;
  std::vector<uint32_t> rows;     // the input row of each output row
  std::vector<uint32_t> entries;  // the element of each output row
  for (size_t i = 0; i < b.num_rows; ++i) {
    if (c.IsNull(i)) continue;
    for (uint32_t e = c.offsets()[i]; e < c.offsets()[i + 1]; ++e) {
      rows.push_back(static_cast<uint32_t>(i));
      entries.push_back(e);
    }
  }
  if (rows.empty()) return Status::Ok();
  auto out = std::make_shared<Batch>(*GatherRows(b, rows));
  out->schema = schema_;
  const Column& first = c.child(0);
  if (c.type().id == TypeId::kArray && first.type().id == TypeId::kRow) {
    for (size_t f = 0; f < first.num_children(); ++f) {
      ColumnPtr field = GatherColumn(first.child(f), entries);
      if (first.has_nulls()) {  // a NULL element: every field NULL
        auto with_nulls = std::make_shared<Column>(*field);
        for (size_t i = 0; i < entries.size(); ++i) {
          if (first.IsNull(entries[i])) with_nulls->SetNull(i);
        }
        field = std::move(with_nulls);
      }
      out->columns.push_back(std::move(field));
    }
  } else {
    for (size_t k = 0; k < c.num_children(); ++k) {
      out->columns.push_back(GatherColumn(c.child(k), entries));
    }
  }
  out->num_rows = rows.size();
  return Emit(out);
}

Status UnnestOperator::AdvanceWatermark(Watermark watermark, size_t /*input*/) {
  return EmitWatermark(watermark);
}

Status UnnestOperator::Finish() { return EmitFinish(); }

}  // namespace sluice::runtime
