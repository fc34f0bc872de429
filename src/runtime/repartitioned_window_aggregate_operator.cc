#include "runtime/repartitioned_window_aggregate_operator.h"

#include <algorithm>

namespace sluice::runtime {
namespace {

constexpr const char* kWatermarkColumn = "$watermark";
constexpr const char* kPartitionColumn = "$partition";
constexpr const char* kOffsetColumn = "$offset";

}  // namespace

bool RepartitionedWindowAggregateOperator::Applies(const sql::PlanNode& node) {
  if (node.kind != sql::PlanKind::kWindowAggregate || node.inputs.size() != 1) return false;
  const Schema& input = *node.inputs[0]->schema;
  const size_t n = input.size();
  return n >= 3 && input.field(n - 3).name == kWatermarkColumn &&
         input.field(n - 2).name == kPartitionColumn && input.field(n - 1).name == kOffsetColumn;
}

RepartitionedWindowAggregateOperator::RepartitionedWindowAggregateOperator(
    sql::PlanNode node, const expr::FunctionRegistry& registry, int64_t allowed_lateness_ms)
    : node_(std::move(node)), registry_(registry), allowed_lateness_ms_(allowed_lateness_ms) {
  const size_t n = node_.inputs[0]->schema->size();
  watermark_column_ = n - 3;
  partition_column_ = n - 2;
  offset_column_ = n - 1;
}

Result<std::unique_ptr<RepartitionedWindowAggregateOperator>>
RepartitionedWindowAggregateOperator::Create(const sql::PlanNode& node,
                                             const expr::FunctionRegistry& registry,
                                             int64_t allowed_lateness_ms) {
  if (!Applies(node) || node.window.session_gap_ms > 0) {
    return Status::Internal("repartitioned window aggregation of a plan it does not apply to");
  }
  ASSIGN_OR_RETURN(auto prototype,
                   WindowAggregateOperator::Create(node, registry, allowed_lateness_ms));
  std::unique_ptr<RepartitionedWindowAggregateOperator> op(
      new RepartitionedWindowAggregateOperator(node, registry, allowed_lateness_ms));
  op->description_ = prototype->Describe() + " per internal split, deduplicated by input offset";
  return op;
}

std::string RepartitionedWindowAggregateOperator::Describe() const { return description_; }

void RepartitionedWindowAggregateOperator::set_input_partitions(size_t partitions) {
  partitions_ = std::max<size_t>(partitions, 1);
  for (auto& [key, state] : splits_) Grow(&state, partitions_);
}

void RepartitionedWindowAggregateOperator::Grow(SplitState* state, size_t partitions) const {
  if (state->max_offset.size() >= partitions) return;
  state->max_offset.resize(partitions, -1);
  state->watermark.resize(partitions, kMinWatermark.value());
}

Result<RepartitionedWindowAggregateOperator::SplitState*>
RepartitionedWindowAggregateOperator::Split(const SplitKey& key) {
  auto it = splits_.find(key);
  if (it != splits_.end()) return &it->second;
  SplitState state;
  ASSIGN_OR_RETURN(state.windows,
                   WindowAggregateOperator::Create(node_, registry_, allowed_lateness_ms_));
  state.out = std::make_unique<BatchCollector>();
  state.windows->SetOutput(state.out.get(), 0);
  RETURN_IF_ERROR(state.windows->Open());
  state.current = kMinWatermark.value();
  Grow(&state, partitions_);
  return &splits_.emplace(key, std::move(state)).first->second;
}

bool RepartitionedWindowAggregateOperator::Accept(SplitState* state, int64_t partition,
                                                  int64_t offset, const Column& watermark,
                                                  size_t row) {
  if (static_cast<size_t>(partition) >= state->max_offset.size()) {
    Grow(state, static_cast<size_t>(partition) + 1);
  }
  int64_t& last = state->max_offset[partition];
  if (offset <= last) return false;
  last = offset;
  if (watermark.IsNull(row)) return true;
  int64_t& own = state->watermark[partition];
  const int64_t before = own;
  own = std::max(own, watermark.ints()[row]);
  if (own != before && before <= state->current) {
    // The minimum can only move when a partition at it advanced.
    const int64_t lowest = *std::min_element(state->watermark.begin(), state->watermark.end());
    state->current = std::max(state->current, lowest);
  }
  return true;
}

Status RepartitionedWindowAggregateOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  if (batch->num_rows == 0) return Status::Ok();
  ASSIGN_OR_RETURN(SplitState * state, Split(split_));
  const Batch& b = *batch;
  const Column& partitions = b.column(partition_column_);
  const Column& offsets = b.column(offset_column_);
  const Column& watermarks = b.column(watermark_column_);
  std::vector<uint32_t> accepted;
  std::vector<int64_t> row_watermarks;
  accepted.reserve(b.num_rows);
  row_watermarks.reserve(b.num_rows);
  for (size_t r = 0; r < b.num_rows; ++r) {
    if (partitions.IsNull(r) || offsets.IsNull(r) || partitions.ints()[r] < 0) {
      return Status::DataError(
          "a row of the internal repartition topic without its input partition and offset");
    }
    const int64_t before = state->current;
    if (!Accept(state, partitions.ints()[r], offsets.ints()[r], watermarks, r)) {
      ++repeats_dropped_;
      continue;
    }
    accepted.push_back(static_cast<uint32_t>(r));
    row_watermarks.push_back(before);
  }
  if (accepted.empty()) return Status::Ok();
  BatchPtr gathered = accepted.size() == b.num_rows ? batch : GatherRows(b, accepted);
  auto rows = std::make_shared<Batch>(*gathered);
  rows->row_watermarks = std::move(row_watermarks);
  return state->windows->Process(rows, 0);
}

Status RepartitionedWindowAggregateOperator::AdvanceWatermark(Watermark /*watermark*/,
                                                              size_t /*input*/) {
  return Status::Ok();
}

Status RepartitionedWindowAggregateOperator::EmitSplit(SplitState* state) {
  BatchPtr rows = BatchCollector::Concatenate(state->out->Take());
  return rows ? Emit(rows) : Status::Ok();
}

Status RepartitionedWindowAggregateOperator::FlushEpoch(
    const std::function<bool(const SplitKey&)>& keep) {
  for (auto it = splits_.begin(); it != splits_.end();) {
    if (!keep(it->first)) {
      it = splits_.erase(it);
      continue;
    }
    SplitState& state = it->second;
    if (state.current > kMinWatermark.value()) {
      RETURN_IF_ERROR(state.windows->AdvanceWatermark(Watermark(state.current), 0));
    }
    RETURN_IF_ERROR(EmitSplit(&state));
    ++it;
  }
  return Status::Ok();
}

Status RepartitionedWindowAggregateOperator::Finish() {
  for (auto& [key, state] : splits_) {
    RETURN_IF_ERROR(state.windows->Finish());
    RETURN_IF_ERROR(EmitSplit(&state));
  }
  return EmitFinish();
}

int64_t RepartitionedWindowAggregateOperator::split_watermark(const SplitKey& split) const {
  auto it = splits_.find(split);
  return it == splits_.end() ? kMinWatermark.value() : it->second.current;
}

Status RepartitionedWindowAggregateOperator::SaveSplitState(const SplitState& state,
                                                            StateEncoder* out) const {
  out->PutI64(state.current);
  out->PutI64(static_cast<int64_t>(state.max_offset.size()));
  for (size_t p = 0; p < state.max_offset.size(); ++p) {
    out->PutI64(state.max_offset[p]);
    out->PutI64(state.watermark[p]);
  }
  return state.windows->SaveState(out);
}

Status RepartitionedWindowAggregateOperator::RestoreSplitState(const SplitKey& key,
                                                               StateDecoder* in) {
  splits_.erase(key);
  int64_t current = 0, partitions = 0;
  RETURN_IF_ERROR(in->GetI64(&current));
  RETURN_IF_ERROR(in->GetI64(&partitions));
  if (partitions < 0) return in->Corrupt("bad split of a repartitioned window");
  ASSIGN_OR_RETURN(SplitState * state, Split(key));
  state->current = current;
  Grow(state, static_cast<size_t>(partitions));
  for (int64_t p = 0; p < partitions; ++p) {
    RETURN_IF_ERROR(in->GetI64(&state->max_offset[p]));
    RETURN_IF_ERROR(in->GetI64(&state->watermark[p]));
  }
  return state->windows->RestoreState(in);
}

Status RepartitionedWindowAggregateOperator::SaveSplit(const SplitKey& split,
                                                       StateEncoder* out) const {
  auto it = splits_.find(split);
  out->PutU8(it == splits_.end() ? 0 : 1);
  return it == splits_.end() ? Status::Ok() : SaveSplitState(it->second, out);
}

Status RepartitionedWindowAggregateOperator::RestoreSplit(const SplitKey& split, StateDecoder* in) {
  uint8_t present = 0;
  RETURN_IF_ERROR(in->GetU8(&present));
  if (present == 0) {
    splits_.erase(split);
    return Status::Ok();
  }
  return RestoreSplitState(split, in);
}

Status RepartitionedWindowAggregateOperator::SaveState(StateEncoder* out) const {
  out->PutI64(repeats_dropped_);
  out->PutI64(static_cast<int64_t>(splits_.size()));
  for (const auto& [key, state] : splits_) {
    out->PutI64(static_cast<int64_t>(key.first));
    out->PutI64(key.second);
    RETURN_IF_ERROR(SaveSplitState(state, out));
  }
  return Status::Ok();
}

Status RepartitionedWindowAggregateOperator::RestoreState(StateDecoder* in) {
  splits_.clear();
  int64_t count = 0;
  RETURN_IF_ERROR(in->GetI64(&repeats_dropped_));
  RETURN_IF_ERROR(in->GetI64(&count));
  for (int64_t i = 0; i < count; ++i) {
    int64_t source = 0, split = 0;
    RETURN_IF_ERROR(in->GetI64(&source));
    RETURN_IF_ERROR(in->GetI64(&split));
    if (source < 0) return in->Corrupt("bad split of a repartitioned window");
    RETURN_IF_ERROR(RestoreSplitState({static_cast<size_t>(source), split}, in));
  }
  return Status::Ok();
}

std::optional<OperatorStats> RepartitionedWindowAggregateOperator::stats() const {
  OperatorStats total;
  for (const auto& [key, state] : splits_) {
    auto one = state.windows->stats();
    if (!one) continue;
    total.state_keys += one->state_keys;
    total.late_dropped += one->late_dropped;
    total.late_updated += one->late_updated;
  }
  return total;
}

size_t RepartitionedWindowAggregateOperator::StateBytes() const {
  size_t bytes = 0;
  for (const auto& [key, state] : splits_) {
    bytes += state.windows->StateBytes() + state.max_offset.size() * 2 * sizeof(int64_t);
  }
  return bytes;
}

}  // namespace sluice::runtime
