#include "runtime/window_table_operator.h"

#include <fmt/format.h>

#include "common/duration.h"

namespace sluice::runtime {

Result<std::unique_ptr<WindowTableOperator>> WindowTableOperator::Create(
    const sql::PlanNode& node) {
  if (node.kind != sql::PlanKind::kWindowTable || node.inputs.size() != 1 ||
      node.schema->size() != node.inputs[0]->schema->size() + 3) {
    return Status::Internal("WindowTableOperator needs a kWindowTable plan node");
  }
  ASSIGN_OR_RETURN(WindowAssigner assigner, WindowAssigner::Create(node.window));
  return std::unique_ptr<WindowTableOperator>(new WindowTableOperator(node, std::move(assigner)));
}

WindowTableOperator::WindowTableOperator(const sql::PlanNode& node, WindowAssigner assigner)
    : schema_(node.schema), assigner_(std::move(assigner)) {
  const sql::WindowSpec& w = node.window;
  description_ = fmt::format("WindowTable[{}, size={}, step={}]",
                             node.inputs[0]->schema->field(w.time_column).name,
                             FormatDurationMillis(w.size_ms), FormatDurationMillis(w.step_ms));
}

Status WindowTableOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  const Batch& b = *batch;
  const Column& time = b.column(assigner_.spec().time_column);
  std::vector<uint32_t> rows;
  std::vector<TimeWindow> assigned;
  for (size_t i = 0; i < b.num_rows; ++i) {
    if (time.IsNull(i)) continue;
    windows_.clear();
    assigner_.Assign(time.ints()[i], &windows_);
    for (const TimeWindow& w : windows_) {
      rows.push_back(static_cast<uint32_t>(i));
      assigned.push_back(w);
    }
  }
  if (rows.empty()) return Status::Ok();
  BatchPtr gathered = GatherRows(b, rows);
  auto out = std::make_shared<Batch>(*gathered);
  out->schema = schema_;
  const size_t n = b.columns.size();
  for (size_t c = 0; c < 3; ++c) {
    auto column = std::make_shared<Column>(schema_->field(n + c).type);
    column->Reserve(assigned.size());
    for (const TimeWindow& w : assigned) {
      column->AppendInt(c == 0 ? w.start : (c == 1 ? w.end : w.end - 1));
    }
    out->columns.push_back(std::move(column));
  }
  return Emit(out);
}

Status WindowTableOperator::AdvanceWatermark(Watermark watermark, size_t /*input*/) {
  return EmitWatermark(watermark);
}

Status WindowTableOperator::Finish() { return EmitFinish(); }

}  // namespace sluice::runtime
