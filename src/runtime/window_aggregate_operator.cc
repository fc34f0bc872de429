#include "runtime/window_aggregate_operator.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "common/duration.h"

namespace sluice::runtime {

Result<std::unique_ptr<WindowAggregateOperator>> WindowAggregateOperator::Create(
    const sql::PlanNode& node, const expr::FunctionRegistry& registry,
    int64_t allowed_lateness_ms) {
  if (node.kind != sql::PlanKind::kWindowAggregate) {
    return Status::Internal("WindowAggregateOperator needs a kWindowAggregate plan node");
  }
  const size_t expected = node.group_keys.size() + 3 + node.aggregates.size();
  if (!node.schema || node.schema->size() != expected) {
    return Status::Internal(fmt::format("window aggregate output needs {} columns", expected));
  }
  if (!node.inputs.empty()) {
    const Schema& in = *node.inputs[0]->schema;
    if (node.window.time_column >= in.size() ||
        in.field(node.window.time_column).type.physical() != PhysicalType::kInt64) {
      return Status::Internal("window time column is not a timestamp column of the input");
    }
  }
  if (allowed_lateness_ms < 0) {
    return Status::InvalidArgument("'table.exec.emit.allow-lateness' must not be negative");
  }
  ASSIGN_OR_RETURN(WindowAssigner assigner, WindowAssigner::Create(node.window));
  ASSIGN_OR_RETURN(std::unique_ptr<AggregateInputs> inputs,
                   AggregateInputs::Create(node.group_keys, node.aggregates, registry));
  return std::unique_ptr<WindowAggregateOperator>(new WindowAggregateOperator(
      node, std::move(assigner), std::move(inputs), allowed_lateness_ms));
}

WindowAggregateOperator::WindowAggregateOperator(const sql::PlanNode& node, WindowAssigner assigner,
                                                 std::unique_ptr<AggregateInputs> inputs,
                                                 int64_t allowed_lateness_ms)
    : schema_(node.schema),
      assigner_(std::move(assigner)),
      inputs_(std::move(inputs)),
      functions_(inputs_->function_pointers()),
      state_offsets_(AggregateStateArena::StateOffsets(functions_)),
      key_types_(inputs_->key_types()),
      allowed_lateness_ms_(allowed_lateness_ms) {
  ResetOutput();
}

WindowAggregateOperator::~WindowAggregateOperator() = default;

size_t WindowAggregateOperator::num_groups() const {
  size_t n = 0;
  for (const auto& [end, window] : windows_) n += window->keys->size();
  return n;
}

int64_t WindowAggregateOperator::DropTime(int64_t end) const {
  int64_t t;
  if (__builtin_add_overflow(end, allowed_lateness_ms_, &t)) {
    return std::numeric_limits<int64_t>::max();
  }
  return t;
}

Status WindowAggregateOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  const Batch& b = *batch;
  for (RowKind kind : b.row_kinds) {
    if (kind != RowKind::kInsert) {
      return Status::Unsupported("window aggregation over a changelog (updates or deletes)");
    }
  }
  RETURN_IF_ERROR(inputs_->Evaluate(b, context_));
  GroupKeyTable::HashRows(inputs_->keys(), b.num_rows, &hashes_);
  const Column& time = b.column(assigner_.spec().time_column);
  const bool has_row_watermarks = !b.row_watermarks.empty();
  for (size_t i = 0; i < b.num_rows; ++i) {
    if (has_row_watermarks && b.row_watermarks[i] > current_watermark_) {
      // The watermark in force before this row completes windows: fire them first, exactly as
      // if the watermark had arrived on its own before the row.
      if (b.row_watermarks[i] >= next_event_) FireUpTo(b.row_watermarks[i], false);
      current_watermark_ = b.row_watermarks[i];
    }
    if (time.IsNull(i)) continue;  // no event time: belongs to no window
    AssignRow(i, time.ints()[i], current_watermark_);
  }
  FlushUpdates();
  return EmitOutput();
}

void WindowAggregateOperator::AssignRow(size_t row, int64_t time, int64_t watermark) {
  assigned_.clear();
  assigner_.Assign(time, &assigned_);
  bool used = false;
  for (const TimeWindow& bounds : assigned_) {
    if (DropTime(bounds.end) <= watermark) continue;  // past its allowed lateness
    Window* window = FindOrCreateWindow(bounds, watermark);
    bool inserted = false;
    const uint32_t group =
        window->keys->FindOrInsert(inputs_->keys(), row, hashes_[row], &inserted);
    if (inserted) {
      window->states->Add();
      window->is_dirty.push_back(0);
    }
    if (window->fired && !window->is_dirty[group]) {
      window->is_dirty[group] = 1;
      window->dirty.push_back(group);
    }
    pending_.push_back({window->states->group(group), static_cast<uint32_t>(row)});
    used = true;
  }
  if (!used) ++late_records_dropped_;
}

WindowAggregateOperator::Window* WindowAggregateOperator::FindOrCreateWindow(
    const TimeWindow& bounds, int64_t watermark) {
  if (last_window_ != nullptr && last_window_->bounds.end == bounds.end) return last_window_;
  auto [it, inserted] = windows_.try_emplace(bounds.end);
  if (inserted) {
    auto window = std::make_unique<Window>();
    window->bounds = bounds;
    // A window first seen after its end (within the allowed lateness) counts as fired: its
    // rows are updates, emitted at the next watermark advance.
    window->fired = bounds.end <= watermark;
    window->keys = std::make_unique<GroupKeyTable>(key_types_);
    window->states = std::make_unique<AggregateStateArena>(functions_);
    next_event_ = std::min(next_event_, window->fired ? DropTime(bounds.end) : bounds.end);
    it->second = std::move(window);
  }
  last_window_ = it->second.get();
  return last_window_;
}

void WindowAggregateOperator::FlushUpdates() {
  if (pending_.empty()) return;
  for (size_t a = 0; a < functions_.size(); ++a) {
    update_states_.clear();
    update_rows_.clear();
    const bool filtered = inputs_->has_filter(a);
    for (const PendingUpdate& p : pending_) {
      if (filtered && !inputs_->Passes(a, p.row)) continue;
      update_states_.push_back(p.region + state_offsets_[a]);
      update_rows_.push_back(p.row);
    }
    functions_[a]->UpdateBatch(update_states_.data(), inputs_->arg(a), update_rows_.data(),
                               update_states_.size());
  }
  pending_.clear();
}

void WindowAggregateOperator::FireUpTo(int64_t watermark, bool emit_updates) {
  FlushUpdates();
  last_window_ = nullptr;
  for (auto it = windows_.begin(); it != windows_.end() && it->first <= watermark;) {
    Window& window = *it->second;
    const bool drop = DropTime(window.bounds.end) <= watermark;
    if (!window.fired) {
      EmitGroups(window, false);
      window.fired = true;
    } else if (emit_updates || drop) {
      EmitGroups(window, true);
    }
    it = drop ? windows_.erase(it) : std::next(it);
  }
  RecomputeNextEvent();
}

void WindowAggregateOperator::RecomputeNextEvent() {
  next_event_ = kMaxWatermark.value();
  for (const auto& [end, window] : windows_) {
    next_event_ = std::min(next_event_, window->fired ? DropTime(end) : end);
  }
}

void WindowAggregateOperator::EmitGroups(Window& window, bool only_dirty) {
  if (only_dirty) {
    for (uint32_t group : window.dirty) AppendRow(window, group);
  } else {
    for (uint32_t group = 0; group < window.keys->size(); ++group) AppendRow(window, group);
  }
  for (uint32_t group : window.dirty) window.is_dirty[group] = 0;
  window.dirty.clear();
}

void WindowAggregateOperator::AppendRow(const Window& window, uint32_t group) {
  window.keys->AppendKey(group, out_keys_);
  const size_t k = key_types_.size();
  out_columns_[k]->AppendInt(window.bounds.start);
  out_columns_[k + 1]->AppendInt(window.bounds.end);
  out_columns_[k + 2]->AppendInt(window.bounds.end - 1);
  const uint8_t* region = window.states->group(group);
  for (size_t a = 0; a < functions_.size(); ++a) {
    functions_[a]->Finalize(region + state_offsets_[a], out_columns_[k + 3 + a].get());
  }
  out_watermarks_.push_back(current_watermark_);
  ++out_rows_;
}

void WindowAggregateOperator::ResetOutput() {
  out_columns_.clear();
  out_keys_.clear();
  for (const Field& field : schema_->fields()) {
    out_columns_.push_back(std::make_shared<Column>(field.type));
  }
  for (size_t k = 0; k < key_types_.size(); ++k) out_keys_.push_back(out_columns_[k].get());
  out_watermarks_.clear();
  out_rows_ = 0;
}

Status WindowAggregateOperator::EmitOutput() {
  if (out_rows_ == 0) return Status::Ok();
  auto batch = std::make_shared<Batch>();
  batch->schema = schema_;
  batch->num_rows = out_rows_;
  batch->columns.assign(out_columns_.begin(), out_columns_.end());
  batch->row_watermarks = std::move(out_watermarks_);
  ResetOutput();
  return Emit(batch);
}

Status WindowAggregateOperator::AdvanceWatermark(Watermark watermark, size_t /*input*/) {
  const int64_t wm = std::max(watermark.value(), current_watermark_);
  FireUpTo(wm, true);
  current_watermark_ = wm;
  RETURN_IF_ERROR(EmitOutput());
  return EmitWatermark(Watermark(wm));
}

Status WindowAggregateOperator::Finish() {
  FlushUpdates();
  for (auto& [end, window] : windows_) EmitGroups(*window, window->fired);
  windows_.clear();
  last_window_ = nullptr;
  next_event_ = kMaxWatermark.value();
  RETURN_IF_ERROR(EmitOutput());
  return EmitFinish();
}

std::string WindowAggregateOperator::Describe() const {
  const sql::WindowSpec& w = assigner_.spec();
  std::string text;
  switch (w.kind) {
    case sql::WindowKind::kTumble:
      text = fmt::format("TUMBLE(size={}", FormatDurationMillis(w.size_ms));
      break;
    case sql::WindowKind::kHop:
      text = fmt::format("HOP(slide={}, size={}", FormatDurationMillis(w.step_ms),
                         FormatDurationMillis(w.size_ms));
      break;
    case sql::WindowKind::kCumulate:
      text = fmt::format("CUMULATE(step={}, size={}", FormatDurationMillis(w.step_ms),
                         FormatDurationMillis(w.size_ms));
      break;
  }
  if (w.offset_ms != 0) text += ", offset=" + FormatDurationMillis(w.offset_ms);
  text += ")";
  return fmt::format("WindowAggregate[{}, keys={}, aggregates={}, allow-lateness={}]", text,
                     key_types_.size(), functions_.size(),
                     FormatDurationMillis(allowed_lateness_ms_));
}

}  // namespace sluice::runtime
