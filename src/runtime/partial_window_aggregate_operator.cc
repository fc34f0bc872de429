#include "runtime/partial_window_aggregate_operator.h"

namespace sluice::runtime {

Result<std::unique_ptr<PartialWindowAggregateOperator>> PartialWindowAggregateOperator::Create(
    const sql::PlanNode& node, const expr::FunctionRegistry& registry) {
  if (node.window.session_gap_ms > 0) {
    return Status::Internal("partial aggregation of SESSION windows");
  }
  ASSIGN_OR_RETURN(auto prototype, WindowAggregateOperator::Create(node, registry));
  std::unique_ptr<PartialWindowAggregateOperator> op(
      new PartialWindowAggregateOperator(node, registry));
  op->description_ = "Partial" + prototype->Describe() + " per split and epoch";
  return op;
}

std::string PartialWindowAggregateOperator::Describe() const { return description_; }

Result<PartialWindowAggregateOperator::SplitState*> PartialWindowAggregateOperator::Current() {
  auto it = splits_.find(split_);
  if (it != splits_.end()) return &it->second;
  SplitState state;
  ASSIGN_OR_RETURN(state.windows, WindowAggregateOperator::Create(node_, registry_));
  state.out = std::make_unique<BatchCollector>();
  state.windows->SetOutput(state.out.get(), 0);
  RETURN_IF_ERROR(state.windows->Open());
  return &splits_.emplace(split_, std::move(state)).first->second;
}

Status PartialWindowAggregateOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  if (batch->num_rows == 0) return Status::Ok();
  ASSIGN_OR_RETURN(SplitState * state, Current());
  // Without row watermarks no row is late: lateness would depend on the other splits this
  // process happens to own.
  auto rows = std::make_shared<Batch>();
  rows->schema = batch->schema;
  rows->columns = batch->columns;
  rows->num_rows = batch->num_rows;
  rows->row_kinds = batch->row_kinds;
  rows->processing_time_ms = batch->processing_time_ms;
  return state->windows->Process(rows, 0);
}

Status PartialWindowAggregateOperator::AdvanceWatermark(Watermark /*watermark*/, size_t /*input*/) {
  return Status::Ok();
}

Status PartialWindowAggregateOperator::FlushEpoch(
    const std::function<bool(const SplitKey&)>& keep) {
  auto splits = std::exchange(splits_, {});
  for (auto& [split, state] : splits) {
    if (!keep(split)) continue;
    RETURN_IF_ERROR(state.windows->Finish());
    BatchPtr rows = BatchCollector::Concatenate(state.out->Take());
    if (rows) RETURN_IF_ERROR(Emit(rows));
  }
  return Status::Ok();
}

Status PartialWindowAggregateOperator::Finish() {
  RETURN_IF_ERROR(FlushEpoch([](const SplitKey&) { return true; }));
  return EmitFinish();
}

}  // namespace sluice::runtime
