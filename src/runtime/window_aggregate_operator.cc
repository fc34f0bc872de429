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
                   AggregateInputs::Create(node.group_keys, node.aggregates, registry,
                                           !node.inputs.empty() && node.inputs[0]->changelog));
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

std::optional<OperatorStats> WindowAggregateOperator::stats() const {
  return OperatorStats{static_cast<int64_t>(num_groups()), late_records_dropped_,
                       late_records_updated_};
}

size_t WindowAggregateOperator::StateBytes() const {
  size_t bytes = 0;
  for (const auto& [end, window] : windows_) {
    bytes += window->keys->memory_bytes() + window->states->memory_bytes() +
             window->emitted.capacity() + window->row_counts.capacity() * sizeof(int64_t) +
             window->dirty.capacity() * sizeof(uint32_t);
  }
  return bytes;
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
  context_.processing_time_ms = b.processing_time_ms;
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
    const RowKind kind = b.row_kind(i);
    AssignRow(i, time.ints()[i], current_watermark_,
              kind == RowKind::kUpdateBefore || kind == RowKind::kDelete);
  }
  FlushUpdates();
  return EmitOutput();
}

void WindowAggregateOperator::AssignRow(size_t row, int64_t time, int64_t watermark, bool retract) {
  assigned_.clear();
  assigner_.Assign(time, &assigned_);
  bool used = false;
  bool updated_fired = false;
  for (const TimeWindow& bounds : assigned_) {
    if (DropTime(bounds.end) <= watermark) continue;  // past its allowed lateness
    Window* window = FindOrCreateWindow(bounds, watermark);
    bool inserted = false;
    const uint32_t group =
        window->keys->FindOrInsert(inputs_->keys(), row, hashes_[row], &inserted);
    if (inserted) {
      window->states->Add();
      window->is_dirty.push_back(0);
      window->emitted.push_back(0);
      window->row_counts.push_back(0);
    }
    if (retract && window->row_counts[group] <= 0) {
      // A retraction of a row the window never counted (it was late when added): nothing to do.
      used = true;
      continue;
    }
    window->row_counts[group] += retract ? -1 : 1;
    if (window->fired && !window->is_dirty[group]) {
      // The first update since the group was last emitted: its state still holds the emitted
      // result (updates are applied only after marking), which the -U row will carry.
      window->is_dirty[group] = 1;
      window->dirty.push_back(group);
      window->before_rows.push_back(window->emitted[group] ? SnapshotResult(*window, group)
                                                           : kNoRow);
    }
    pending_.push_back({window->states->group(group), static_cast<uint32_t>(row), retract});
    used = true;
    updated_fired |= window->fired;
  }
  if (!used) ++late_records_dropped_;
  if (updated_fired) ++late_records_updated_;
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
    bool retractions = false;
    for (const PendingUpdate& p : pending_) {
      if (filtered && !inputs_->Passes(a, p.row)) continue;
      retractions |= p.retract;
      if (p.retract) continue;
      update_states_.push_back(p.region + state_offsets_[a]);
      update_rows_.push_back(p.row);
    }
    functions_[a]->UpdateBatch(update_states_.data(), inputs_->arg(a), update_rows_.data(),
                               update_states_.size());
    if (retractions) RetractPending(a);
  }
  pending_.clear();
}

void WindowAggregateOperator::RetractPending(size_t a) {
  // Retractions follow the additions of the same batch: every aggregate's result depends only
  // on the multiset of rows, so the order within a batch does not matter.
  const bool filtered = inputs_->has_filter(a);
  for (const PendingUpdate& p : pending_) {
    if (!p.retract || (filtered && !inputs_->Passes(a, p.row))) continue;
    // Retractable functions ignore a value they never held; others cannot be here (COUNT, SUM,
    // AVG and retractable MIN/MAX are what changelog input gets).
    Status st = functions_[a]->Retract(p.region + state_offsets_[a], inputs_->arg(a), p.row);
    if (!st.ok()) ++retractions_ignored_;
  }
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
    EmitUpdates(window);
  } else {
    for (uint32_t group = 0; group < window.keys->size(); ++group) {
      if (window.row_counts[group] <= 0) continue;  // every row of it was retracted
      AppendRow(window, group, RowKind::kInsert);
      window.emitted[group] = 1;
    }
  }
  for (uint32_t group : window.dirty) window.is_dirty[group] = 0;
  window.dirty.clear();
  window.before_rows.clear();
  window.before.clear();  // output columns keep the string arenas they use alive
  window.before_count = 0;
}

void WindowAggregateOperator::EmitUpdates(Window& window) {
  for (size_t d = 0; d < window.dirty.size(); ++d) {
    const uint32_t group = window.dirty[d];
    const uint32_t old_row = window.before_rows[d];
    if (window.row_counts[group] <= 0) {
      // Every row of the group was retracted: delete what was emitted.
      if (old_row != kNoRow) AppendRow(window, group, RowKind::kDelete, old_row);
      window.emitted[group] = 0;
      continue;
    }
    if (old_row == kNoRow) {
      AppendRow(window, group, RowKind::kInsert);
      window.emitted[group] = 1;
      continue;
    }
    const uint32_t new_row = SnapshotResult(window, group);
    if (SnapshotsEqual(window, old_row, new_row)) continue;
    AppendRow(window, group, RowKind::kUpdateBefore, old_row);
    AppendRow(window, group, RowKind::kUpdateAfter, new_row);
  }
}

uint32_t WindowAggregateOperator::SnapshotResult(Window& window, uint32_t group) {
  const size_t k = key_types_.size();
  if (window.before.empty()) {
    for (size_t a = 0; a < functions_.size(); ++a) {
      window.before.push_back(std::make_unique<Column>(schema_->field(k + 3 + a).type));
    }
  }
  const uint8_t* region = window.states->group(group);
  for (size_t a = 0; a < functions_.size(); ++a) {
    functions_[a]->Finalize(region + state_offsets_[a], window.before[a].get());
  }
  return window.before_count++;
}

bool WindowAggregateOperator::SnapshotsEqual(const Window& window, uint32_t a, uint32_t b) const {
  for (const auto& column : window.before) {
    const Column& c = *column;
    if (c.IsNull(a) || c.IsNull(b)) {
      if (c.IsNull(a) != c.IsNull(b)) return false;
      continue;
    }
    bool same = false;
    switch (c.physical()) {
      case PhysicalType::kBool:
        same = c.bools()[a] == c.bools()[b];
        break;
      case PhysicalType::kInt64:
        same = c.ints()[a] == c.ints()[b];
        break;
      case PhysicalType::kDouble:
        same = c.doubles()[a] == c.doubles()[b];
        break;
      case PhysicalType::kNested:  // never: aggregates are not nested
      case PhysicalType::kString:
        same = c.strings()[a] == c.strings()[b];
        break;
    }
    if (!same) return false;
  }
  return true;
}

void WindowAggregateOperator::AppendRow(const Window& window, uint32_t group, RowKind kind,
                                        uint32_t snapshot) {
  window.keys->AppendKey(group, out_keys_);
  const size_t k = key_types_.size();
  out_columns_[k]->AppendInt(window.bounds.start);
  out_columns_[k + 1]->AppendInt(window.bounds.end);
  out_columns_[k + 2]->AppendInt(window.bounds.end - 1);
  const uint8_t* region = window.states->group(group);
  for (size_t a = 0; a < functions_.size(); ++a) {
    Column* out = out_columns_[k + 3 + a].get();
    if (snapshot == kNoRow) {
      functions_[a]->Finalize(region + state_offsets_[a], out);
    } else {
      out->ShareArenasOf(*window.before[a]);
      out->AppendFrom(*window.before[a], snapshot);
    }
  }
  out_watermarks_.push_back(current_watermark_);
  out_kinds_.push_back(kind);
  out_has_updates_ |= kind != RowKind::kInsert;
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
  out_kinds_.clear();
  out_has_updates_ = false;
  out_rows_ = 0;
}

Status WindowAggregateOperator::EmitOutput() {
  if (out_rows_ == 0) return Status::Ok();
  auto batch = std::make_shared<Batch>();
  batch->schema = schema_;
  batch->num_rows = out_rows_;
  batch->columns.assign(out_columns_.begin(), out_columns_.end());
  batch->row_watermarks = std::move(out_watermarks_);
  if (out_has_updates_) batch->row_kinds = std::move(out_kinds_);
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

Status WindowAggregateOperator::SaveState(StateEncoder* out) const {
  out->PutI64(current_watermark_);
  out->PutI64(late_records_dropped_);
  out->PutI64(retractions_ignored_);
  out->PutI64(static_cast<int64_t>(windows_.size()));
  for (const auto& [end, window] : windows_) SaveWindow(*window, out);
  return Status::Ok();
}

void WindowAggregateOperator::SaveWindow(const Window& window, StateEncoder* out) {
  out->PutI64(window.bounds.start);
  out->PutI64(window.bounds.end);
  out->PutU8(window.fired ? 1 : 0);
  window.keys->SaveState(out);
  window.states->SaveState(out);
  out->PutString(std::string_view(reinterpret_cast<const char*>(window.emitted.data()),
                                  window.emitted.size()));
  for (int64_t count : window.row_counts) out->PutI64(count);
  out->PutI64(static_cast<int64_t>(window.dirty.size()));
  for (size_t d = 0; d < window.dirty.size(); ++d) {
    out->PutI64(window.dirty[d]);
    out->PutI64(window.before_rows[d] == kNoRow ? -1 : window.before_rows[d]);
  }
  out->PutI64(static_cast<int64_t>(window.before.size()));
  for (const auto& column : window.before) out->PutColumn(*column);
}

Status WindowAggregateOperator::RestoreState(StateDecoder* in) {
  RETURN_IF_ERROR(in->GetI64(&current_watermark_));
  RETURN_IF_ERROR(in->GetI64(&late_records_dropped_));
  RETURN_IF_ERROR(in->GetI64(&retractions_ignored_));
  int64_t windows = 0;
  RETURN_IF_ERROR(in->GetI64(&windows));
  windows_.clear();
  last_window_ = nullptr;
  for (int64_t w = 0; w < windows; ++w) RETURN_IF_ERROR(RestoreWindow(in));
  RecomputeNextEvent();
  return Status::Ok();
}

Status WindowAggregateOperator::RestoreWindow(StateDecoder* in) {
  auto window = std::make_unique<Window>();
  uint8_t fired = 0;
  RETURN_IF_ERROR(in->GetI64(&window->bounds.start));
  RETURN_IF_ERROR(in->GetI64(&window->bounds.end));
  RETURN_IF_ERROR(in->GetU8(&fired));
  window->fired = fired != 0;
  window->keys = std::make_unique<GroupKeyTable>(key_types_);
  window->states = std::make_unique<AggregateStateArena>(functions_);
  RETURN_IF_ERROR(window->keys->RestoreState(in));
  RETURN_IF_ERROR(window->states->RestoreState(in));
  const size_t groups = window->keys->size();
  std::string emitted;
  RETURN_IF_ERROR(in->GetString(&emitted));
  if (window->states->size() != groups || emitted.size() != groups) {
    return in->Corrupt("window groups and states differ");
  }
  window->emitted.assign(emitted.begin(), emitted.end());
  window->row_counts.resize(groups);
  for (int64_t& count : window->row_counts) RETURN_IF_ERROR(in->GetI64(&count));
  window->is_dirty.assign(groups, 0);
  int64_t dirty = 0, columns = 0;
  RETURN_IF_ERROR(in->GetI64(&dirty));
  for (int64_t d = 0; d < dirty; ++d) {
    int64_t group = 0, before = 0;
    RETURN_IF_ERROR(in->GetI64(&group));
    RETURN_IF_ERROR(in->GetI64(&before));
    if (group < 0 || static_cast<size_t>(group) >= groups) return in->Corrupt("dirty group");
    window->dirty.push_back(static_cast<uint32_t>(group));
    window->is_dirty[static_cast<size_t>(group)] = 1;
    window->before_rows.push_back(before < 0 ? kNoRow : static_cast<uint32_t>(before));
  }
  RETURN_IF_ERROR(in->GetI64(&columns));
  if (columns != 0 && columns != static_cast<int64_t>(functions_.size())) {
    return in->Corrupt("snapshot columns");
  }
  for (int64_t a = 0; a < columns; ++a) {
    const size_t field = key_types_.size() + 3 + static_cast<size_t>(a);
    window->before.push_back(std::make_unique<Column>(schema_->field(field).type));
    RETURN_IF_ERROR(in->GetColumn(window->before.back().get()));
  }
  window->before_count =
      window->before.empty() ? 0 : static_cast<uint32_t>(window->before[0]->size());
  const int64_t end = window->bounds.end;
  windows_[end] = std::move(window);
  return Status::Ok();
}
}  // namespace sluice::runtime
