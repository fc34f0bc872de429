#include "runtime/group_aggregate_operator.h"

#include <fmt/format.h>

#include <algorithm>

#include "types/cell_equality.h"

namespace sluice::runtime {

Result<std::unique_ptr<GroupAggregateOperator>> GroupAggregateOperator::Create(
    const sql::PlanNode& node, const expr::FunctionRegistry& registry, int64_t state_ttl_ms) {
  if (node.kind != sql::PlanKind::kGroupAggregate) {
    return Status::Internal("GroupAggregateOperator needs a kGroupAggregate plan node");
  }
  const size_t expected = node.group_keys.size() + node.aggregates.size();
  if (!node.schema || node.schema->size() != expected) {
    return Status::Internal(fmt::format("group aggregate output needs {} columns", expected));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<AggregateInputs> inputs,
                   AggregateInputs::Create(node.group_keys, node.aggregates, registry,
                                           !node.inputs.empty() && node.inputs[0]->changelog));
  return std::unique_ptr<GroupAggregateOperator>(
      new GroupAggregateOperator(node, std::move(inputs), state_ttl_ms));
}

GroupAggregateOperator::GroupAggregateOperator(const sql::PlanNode& node,
                                               std::unique_ptr<AggregateInputs> inputs,
                                               int64_t state_ttl_ms)
    : schema_(node.schema),
      inputs_(std::move(inputs)),
      functions_(inputs_->function_pointers()),
      state_offsets_(AggregateStateArena::StateOffsets(functions_)),
      num_keys_(node.group_keys.size()),
      keys_(inputs_->key_types()),
      states_(functions_),
      expiry_(state_ttl_ms > 0 ? state_ttl_ms : -1) {}

GroupAggregateOperator::~GroupAggregateOperator() = default;

void GroupAggregateOperator::Touch(uint32_t group) {
  if (touched_in_[group] == batch_seq_) return;
  touched_in_[group] = batch_seq_;
  touched_.push_back(group);
  if (!emitted_[group]) return;
  // Pending inserts never touch a group before its first Touch in the batch, so the state
  // still holds the previous result here.
  old_index_[group] = static_cast<uint32_t>(old_results_.empty() ? 0 : old_results_[0]->size());
  const uint8_t* region = states_.group(group);
  for (size_t a = 0; a < functions_.size(); ++a) {
    functions_[a]->Finalize(region + state_offsets_[a], old_results_[a].get());
  }
}

void GroupAggregateOperator::FlushInserts() {
  for (size_t a = 0; a < functions_.size(); ++a) {
    update_states_.clear();
    update_rows_.clear();
    for (size_t i = 0; i < insert_rows_.size(); ++i) {
      if (!inputs_->Passes(a, insert_rows_[i])) continue;
      update_states_.push_back(insert_regions_[i] + state_offsets_[a]);
      update_rows_.push_back(insert_rows_[i]);
    }
    functions_[a]->UpdateBatch(update_states_.data(), inputs_->arg(a), update_rows_.data(),
                               update_states_.size());
  }
  insert_regions_.clear();
  insert_rows_.clear();
}

Status GroupAggregateOperator::ApplyRows(const Batch& batch) {
  for (size_t i = 0; i < batch.num_rows; ++i) {
    bool inserted = false;
    const uint32_t group = keys_.FindOrInsert(inputs_->keys(), i, hashes_[i], &inserted);
    if (inserted) {
      states_.Add();
      row_counts_.push_back(0);
      emitted_.push_back(0);
      touched_in_.push_back(0);
      old_index_.push_back(0);
    }
    if (expiry_.enabled()) {
      const int64_t clock = batch.row_watermarks.empty() ? watermark_ : batch.row_watermarks[i];
      if (clock == kMinWatermark.value()) {
        unwatermarked_.push_back(group);  // its access time is the first watermark
      } else {
        RETURN_IF_ERROR(CheckExpiry(group, clock));
      }
    }
    Touch(group);
    const RowKind kind = batch.row_kind(i);
    if (kind == RowKind::kInsert || kind == RowKind::kUpdateAfter) {
      ++row_counts_[group];
      insert_regions_.push_back(states_.group(group));
      insert_rows_.push_back(static_cast<uint32_t>(i));
      continue;
    }
    // A retraction of a key with no rows retracts nothing (as Flink ignores it).
    if (row_counts_[group] == 0) continue;
    --row_counts_[group];
    retract_regions_.push_back(states_.group(group));
    retract_rows_.push_back(static_cast<uint32_t>(i));
  }
  FlushInserts();
  return FlushRetractions();
}

Status GroupAggregateOperator::FlushRetractions() {
  for (size_t r = 0; r < retract_rows_.size(); ++r) {
    for (size_t a = 0; a < functions_.size(); ++a) {
      if (!inputs_->Passes(a, retract_rows_[r])) continue;
      RETURN_IF_ERROR(functions_[a]->Retract(retract_regions_[r] + state_offsets_[a],
                                             inputs_->arg(a), retract_rows_[r]));
    }
  }
  retract_regions_.clear();
  retract_rows_.clear();
  return Status::Ok();
}

Status GroupAggregateOperator::CheckExpiry(uint32_t group, int64_t clock) {
  if (!expiry_.Access(group, clock, clock)) return Status::Ok();
  if (touched_in_[group] == batch_seq_) {
    // The batch already holds rows of the key (the watermark moved by the TTL within it).
    FlushInserts();
    RETURN_IF_ERROR(FlushRetractions());
  }
  ResetGroup(group);
  return Status::Ok();
}

void GroupAggregateOperator::ResetGroup(uint32_t group) {
  states_.Reset(group);
  row_counts_[group] = 0;
  emitted_[group] = 0;
}

Status GroupAggregateOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  const Batch& b = *batch;
  if (b.num_rows == 0) return Status::Ok();
  ++batch_seq_;
  context_.processing_time_ms = b.processing_time_ms;
  RETURN_IF_ERROR(inputs_->Evaluate(b, context_));
  GroupKeyTable::HashRows(inputs_->keys(), b.num_rows, &hashes_);
  touched_.clear();
  old_results_.clear();
  new_results_.clear();
  for (size_t a = 0; a < functions_.size(); ++a) {
    const LogicalType& type = schema_->field(num_keys_ + a).type;
    old_results_.push_back(std::make_shared<Column>(type));
    new_results_.push_back(std::make_shared<Column>(type));
  }
  Status status = ApplyRows(b);
  if (!status.ok()) {
    insert_regions_.clear();
    insert_rows_.clear();
    return status;
  }
  return EmitChanges();
}

bool GroupAggregateOperator::SameResult(size_t old_row, size_t new_row) const {
  for (size_t a = 0; a < functions_.size(); ++a) {
    if (!CellEquality::Equal(*old_results_[a], old_row, *new_results_[a], new_row)) return false;
  }
  return true;
}

void GroupAggregateOperator::AppendOutput(uint32_t group, RowKind kind,
                                          const std::vector<std::shared_ptr<Column>>& from,
                                          size_t row) {
  keys_.AppendKey(group, out_keys_);
  for (size_t a = 0; a < functions_.size(); ++a) {
    out_columns_[num_keys_ + a]->AppendFrom(*from[a], row);
  }
  out_kinds_.push_back(kind);
}

Status GroupAggregateOperator::EmitChanges() {
  out_columns_.clear();
  out_keys_.clear();
  out_kinds_.clear();
  for (const Field& field : schema_->fields()) {
    out_columns_.push_back(std::make_shared<Column>(field.type));
  }
  for (size_t k = 0; k < num_keys_; ++k) out_keys_.push_back(out_columns_[k].get());
  for (size_t a = 0; a < functions_.size(); ++a) {
    out_columns_[num_keys_ + a]->ShareArenasOf(*old_results_[a]);
    out_columns_[num_keys_ + a]->ShareArenasOf(*new_results_[a]);
  }
  size_t new_rows = 0;
  for (uint32_t group : touched_) {
    if (row_counts_[group] <= 0) {
      // Every row of the key was retracted: retract its result and forget its state.
      if (emitted_[group]) AppendOutput(group, RowKind::kDelete, old_results_, old_index_[group]);
      emitted_[group] = 0;
      row_counts_[group] = 0;
      states_.Reset(group);
      continue;
    }
    const uint8_t* region = states_.group(group);
    for (size_t a = 0; a < functions_.size(); ++a) {
      functions_[a]->Finalize(region + state_offsets_[a], new_results_[a].get());
    }
    const size_t new_row = new_rows++;
    if (!emitted_[group]) {
      AppendOutput(group, RowKind::kInsert, new_results_, new_row);
      emitted_[group] = 1;
    } else if (!SameResult(old_index_[group], new_row)) {
      AppendOutput(group, RowKind::kUpdateBefore, old_results_, old_index_[group]);
      AppendOutput(group, RowKind::kUpdateAfter, new_results_, new_row);
    }
  }
  if (out_kinds_.empty()) return Status::Ok();
  auto batch = std::make_shared<Batch>();
  batch->schema = schema_;
  batch->num_rows = out_kinds_.size();
  batch->columns.assign(out_columns_.begin(), out_columns_.end());
  batch->row_kinds = std::move(out_kinds_);
  out_kinds_.clear();
  return Emit(batch);
}

Status GroupAggregateOperator::AdvanceWatermark(Watermark watermark, size_t /*input*/) {
  watermark_ = std::max(watermark_, watermark.value());
  if (watermark_ != kMinWatermark.value()) {
    for (uint32_t group : unwatermarked_) {
      expiry_.Access(group, kMinWatermark.value(), watermark_);  // records, never expires
    }
    unwatermarked_.clear();
  }
  expiry_.Expire(watermark_, [this](uint32_t group) { ResetGroup(group); });
  return EmitWatermark(watermark);
}

Status GroupAggregateOperator::Finish() { return EmitFinish(); }

std::string GroupAggregateOperator::Describe() const {
  std::string ttl;
  if (expiry_.enabled()) ttl = fmt::format(", ttl={}ms", expiry_.horizon());
  return fmt::format("GroupAggregate[keys={}, aggregates={}{}]", num_keys_, functions_.size(), ttl);
}

Status GroupAggregateOperator::SaveState(StateEncoder* out) const {
  out->PutI64(static_cast<int64_t>(batch_seq_));
  keys_.SaveState(out);
  states_.SaveState(out);
  for (size_t g = 0; g < row_counts_.size(); ++g) {
    out->PutI64(row_counts_[g]);
    out->PutU8(emitted_[g]);
  }
  if (!expiry_.enabled()) return Status::Ok();  // the layout before state TTL existed
  out->PutI64(watermark_);
  out->PutI64(static_cast<int64_t>(unwatermarked_.size()));
  for (uint32_t group : unwatermarked_) out->PutI64(group);
  expiry_.SaveState(out);
  return Status::Ok();
}

Status GroupAggregateOperator::RestoreState(StateDecoder* in) {
  if (keys_.size() != 0) return Status::Internal("RestoreState after input");
  int64_t seq = 0;
  RETURN_IF_ERROR(in->GetI64(&seq));
  batch_seq_ = static_cast<uint64_t>(seq);
  RETURN_IF_ERROR(keys_.RestoreState(in));
  RETURN_IF_ERROR(states_.RestoreState(in));
  const size_t groups = keys_.size();
  if (states_.size() != groups) return in->Corrupt("keys and states differ");
  row_counts_.resize(groups);
  emitted_.resize(groups);
  for (size_t g = 0; g < groups; ++g) {
    RETURN_IF_ERROR(in->GetI64(&row_counts_[g]));
    RETURN_IF_ERROR(in->GetU8(&emitted_[g]));
  }
  touched_in_.assign(groups, 0);
  old_index_.assign(groups, 0);
  if (!expiry_.enabled()) return Status::Ok();
  RETURN_IF_ERROR(in->GetI64(&watermark_));
  size_t pending = 0;
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &pending));
  unwatermarked_.resize(pending);
  for (uint32_t& group : unwatermarked_) {
    int64_t g = 0;
    RETURN_IF_ERROR(in->GetI64(&g));
    if (g < 0 || static_cast<size_t>(g) >= groups) return in->Corrupt("group out of range");
    group = static_cast<uint32_t>(g);
  }
  return expiry_.RestoreState(in);
}
}  // namespace sluice::runtime
