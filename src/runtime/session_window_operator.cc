#include "runtime/session_window_operator.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/duration.h"
#include "runtime/event_time_row_buffer.h"
#include "runtime/over_accumulator.h"
#include "runtime/value_codec.h"

namespace sluice::runtime {

Result<std::unique_ptr<SessionWindowOperator>> SessionWindowOperator::Create(
    const sql::PlanNode& node, const expr::FunctionRegistry& registry,
    int64_t allowed_lateness_ms) {
  if (node.kind != sql::PlanKind::kWindowAggregate || node.window.session_gap_ms <= 0) {
    return Status::Internal("SessionWindowOperator needs a SESSION window aggregate");
  }
  for (const auto& a : node.aggregates) {
    if (a.distinct) return Status::Unsupported("DISTINCT aggregates over SESSION windows");
  }
  ASSIGN_OR_RETURN(auto inputs,
                   AggregateInputs::Create(node.group_keys, node.aggregates, registry));
  return std::unique_ptr<SessionWindowOperator>(
      new SessionWindowOperator(node, std::move(inputs), allowed_lateness_ms));
}

SessionWindowOperator::SessionWindowOperator(const sql::PlanNode& node,
                                             std::unique_ptr<AggregateInputs> inputs,
                                             int64_t allowed_lateness_ms)
    : schema_(node.schema),
      window_(node.window),
      inputs_(std::move(inputs)),
      allowed_lateness_ms_(std::max<int64_t>(0, allowed_lateness_ms)) {
  for (const auto& a : node.aggregates) {
    sql::OverCall c;
    c.function = a.function;
    c.count_star = a.count_star;
    c.type = a.type;
    calls_.push_back(c);
    arg_types_.push_back(a.arg ? a.arg->type : LogicalType::BigInt());
  }
  const auto& names = node.inputs[0]->schema->fields();
  description_ =
      fmt::format("SessionWindowAggregate[SESSION({}, gap={}), keys={}, aggs={}]",
                  names[window_.time_column].name, FormatDurationMillis(window_.session_gap_ms),
                  node.group_keys.size(), node.aggregates.size());
  if (allowed_lateness_ms_ > 0) {  // the state then holds emitted results (fingerprint)
    description_.insert(description_.size() - 1,
                        ", allowed-lateness=" + FormatDurationMillis(allowed_lateness_ms_));
  }
}

size_t SessionWindowOperator::num_sessions() const {
  size_t n = 0;
  for (const auto& [key, state] : keys_) n += state.sessions.size();
  return n;
}

std::string SessionWindowOperator::Describe() const { return description_; }

Status SessionWindowOperator::SaveState(StateEncoder* out) const {
  for (int64_t v : {current_watermark_, fired_up_to_, next_fire_, late_records_dropped_,
                    static_cast<int64_t>(next_seq_), static_cast<int64_t>(keys_.size())}) {
    out->PutI64(v);
  }
  for (const auto& [key, state] : keys_) {
    out->PutString(key);
    ValueCodec::PutRow(state.key, out);
    out->PutI64(static_cast<int64_t>(state.sessions.size()));
    for (const Session& s : state.sessions) {
      out->PutI64(s.start);
      out->PutI64(s.end);
      out->PutI64(static_cast<int64_t>(s.seq));
      out->PutI64(static_cast<int64_t>(s.rows.size()));
      for (const Args& args : s.rows) {
        for (const auto& arg : args) ValueCodec::PutOptional(arg, out);
      }
      if (allowed_lateness_ms_ > 0) SaveLateness(s, out);
    }
  }
  return Status::Ok();
}

Status SessionWindowOperator::RestoreState(StateDecoder* in) {
  keys_.clear();
  int64_t seq = 0;
  RETURN_IF_ERROR(in->GetI64(&current_watermark_));
  RETURN_IF_ERROR(in->GetI64(&fired_up_to_));
  RETURN_IF_ERROR(in->GetI64(&next_fire_));
  RETURN_IF_ERROR(in->GetI64(&late_records_dropped_));
  RETURN_IF_ERROR(in->GetI64(&seq));
  next_seq_ = static_cast<uint64_t>(seq);
  size_t num_keys = 0;
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &num_keys));
  for (size_t k = 0; k < num_keys; ++k) {
    std::string key;
    RETURN_IF_ERROR(in->GetString(&key));
    KeyState& state = keys_[key];
    RETURN_IF_ERROR(ValueCodec::GetRow(in, &state.key));
    size_t sessions = 0;
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &sessions));
    state.sessions.resize(sessions);
    for (Session& s : state.sessions) {
      int64_t s_seq = 0;
      size_t rows = 0;
      RETURN_IF_ERROR(in->GetI64(&s.start));
      RETURN_IF_ERROR(in->GetI64(&s.end));
      RETURN_IF_ERROR(in->GetI64(&s_seq));
      s.seq = static_cast<uint64_t>(s_seq);
      RETURN_IF_ERROR(ValueCodec::GetCount(in, &rows));
      s.rows.resize(rows);
      for (Args& args : s.rows) {
        args.resize(calls_.size());
        for (auto& arg : args) RETURN_IF_ERROR(ValueCodec::GetOptional(in, &arg));
      }
      if (allowed_lateness_ms_ > 0) RETURN_IF_ERROR(RestoreLateness(&s, in));
    }
  }
  return Status::Ok();
}

Status SessionWindowOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  const Batch& b = *batch;
  context_.processing_time_ms = b.processing_time_ms;
  RETURN_IF_ERROR(inputs_->Evaluate(b, context_));
  const Column& time = b.column(window_.time_column);
  const size_t num_keys = inputs_->keys().size();
  std::vector<size_t> key_positions(num_keys);
  for (size_t k = 0; k < num_keys; ++k) key_positions[k] = k;
  for (size_t i = 0; i < b.num_rows; ++i) {
    if (b.row_kind(i) != RowKind::kInsert) {
      return Status::Unsupported("SESSION windows over updates or deletes are not supported");
    }
    if (time.IsNull(i)) continue;
    const int64_t t = time.ints()[i];
    int64_t wm = current_watermark_;
    if (!b.row_watermarks.empty()) wm = std::max(wm, b.row_watermarks[i]);
    if (wm > fired_up_to_) RETURN_IF_ERROR(FireAndEmit(wm));
    std::vector<Value> key;
    for (const Column* c : inputs_->keys()) key.push_back(Value::FromColumn(*c, i));
    std::string encoded = EventTimeRowBuffer::KeyOf(key, key_positions);
    if (IsLate(encoded, t, wm)) {
      ++late_records_dropped_;
      continue;
    }
    Args args;
    for (size_t a = 0; a < calls_.size(); ++a) {
      if (!inputs_->Passes(a, i)) {
        args.emplace_back();
      } else {
        const Column* arg = inputs_->arg(a);
        args.emplace_back(arg ? Value::FromColumn(*arg, i) : Value::Bool(true));
      }
    }
    if (AddRow(encoded, std::move(key), t, std::move(args))) ++late_records_updated_;
  }
  return Status::Ok();
}

bool SessionWindowOperator::IsLate(const std::string& key, int64_t time, int64_t wm) const {
  if (time + window_.session_gap_ms + allowed_lateness_ms_ > wm) return false;
  // Every session still held ends after wm - lateness: a row joining one is not late.
  auto it = keys_.find(key);
  if (it == keys_.end()) return true;
  for (const Session& s : it->second.sessions) {
    if (s.start <= time + window_.session_gap_ms && s.end >= time) return false;
  }
  return true;
}

int64_t SessionWindowOperator::DueTime(const Session& session) const {
  return session.fired ? session.end + allowed_lateness_ms_ : session.end;
}

void SessionWindowOperator::SaveLateness(const Session& session, StateEncoder* out) const {
  out->PutU8(session.fired ? 1 : 0);
  ValueCodec::PutRow(session.emitted, out);
  out->PutI64(static_cast<int64_t>(session.retract.size()));
  for (const Row& row : session.retract) ValueCodec::PutRow(row, out);
}

Status SessionWindowOperator::RestoreLateness(Session* session, StateDecoder* in) {
  uint8_t fired = 0;
  size_t retract = 0;
  RETURN_IF_ERROR(in->GetU8(&fired));
  session->fired = fired != 0;
  RETURN_IF_ERROR(ValueCodec::GetRow(in, &session->emitted));
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &retract));
  session->retract.resize(retract);
  for (Row& row : session->retract) RETURN_IF_ERROR(ValueCodec::GetRow(in, &row));
  return Status::Ok();
}

bool SessionWindowOperator::AddRow(const std::string& key, std::vector<Value> key_values,
                                   int64_t time, Args args) {
  auto [it, inserted] = keys_.try_emplace(key);
  KeyState& state = it->second;
  if (inserted) state.key = std::move(key_values);
  const int64_t start = time;
  const int64_t end = time + window_.session_gap_ms;
  if (Session* s = SoleOpenSessionMeeting(&state, start, end)) {
    // The common case, a row extending one session that has not fired: grow it in place (what
    // the merge below would build, without moving its rows; it keeps its place in the order).
    ++next_seq_;
    s->start = std::min(s->start, start);
    s->end = std::max(s->end, end);
    s->emitted.clear();
    s->rows.push_back(std::move(args));
    next_fire_ = std::min(next_fire_, s->end);
    return false;
  }
  Session merged;
  merged.start = start;
  merged.end = end;
  merged.seq = next_seq_++;
  // Sessions of a key never intersect each other; those meeting [t, t + gap] merge with it,
  // their rows in session order before the new row.
  std::vector<Session> kept;
  bool joined_fired = false;
  for (Session& s : state.sessions) {
    if (s.start <= end && s.end >= start) {
      joined_fired |= s.fired;
      merged.start = std::min(merged.start, s.start);
      merged.end = std::max(merged.end, s.end);
      merged.seq = std::min(merged.seq, s.seq);
      for (auto& r : s.rows) merged.rows.push_back(std::move(r));
      for (auto& r : s.retract) merged.retract.push_back(std::move(r));
      if (s.fired) merged.retract.push_back(std::move(s.emitted));
    } else {
      kept.push_back(std::move(s));
    }
  }
  merged.rows.push_back(std::move(args));
  next_fire_ = std::min(next_fire_, merged.end);
  kept.push_back(std::move(merged));
  std::sort(kept.begin(), kept.end(),
            [](const Session& a, const Session& b) { return a.start < b.start; });
  state.sessions = std::move(kept);
  return joined_fired;
}

SessionWindowOperator::Session* SessionWindowOperator::SoleOpenSessionMeeting(KeyState* state,
                                                                              int64_t start,
                                                                              int64_t end) {
  Session* found = nullptr;
  for (Session& s : state->sessions) {
    if (s.start <= end && s.end >= start) {
      if (found != nullptr || s.fired) return nullptr;
      found = &s;
    }
  }
  return found;
}

std::optional<OperatorStats> SessionWindowOperator::stats() const {
  return OperatorStats{static_cast<int64_t>(keys_.size()), late_records_dropped_,
                       late_records_updated_};
}

void SessionWindowOperator::FireUpTo(int64_t watermark) {
  if (watermark < next_fire_) return;
  struct Due {
    int64_t end;
    uint64_t seq;
    const KeyState* state;
    Session* session;
  };
  std::vector<Due> due;
  for (auto& [key, state] : keys_) {
    for (Session& s : state.sessions) {
      if (!s.fired && s.end <= watermark) due.push_back({s.end, s.seq, &state, &s});
    }
  }
  std::sort(due.begin(), due.end(), [](const Due& a, const Due& b) {
    return a.end != b.end ? a.end < b.end : a.seq < b.seq;
  });
  for (const Due& d : due) AppendResult(*d.state, *d.session);
  // Fired sessions are kept until the watermark passes end + allowed lateness.
  int64_t next = std::numeric_limits<int64_t>::max();
  for (auto it = keys_.begin(); it != keys_.end();) {
    auto& sessions = it->second.sessions;
    std::erase_if(sessions, [&](const Session& s) { return s.fired && DueTime(s) <= watermark; });
    for (const Session& s : sessions) next = std::min(next, DueTime(s));
    it = sessions.empty() ? keys_.erase(it) : std::next(it);
  }
  next_fire_ = next;
}

SessionWindowOperator::Row SessionWindowOperator::ResultRow(const KeyState& state,
                                                            const Session& session) const {
  Row row = state.key;
  const LogicalType bound = LogicalType::Timestamp(3).WithNullable(false);
  const size_t k = state.key.size();
  row.push_back(Value::Int64(bound, session.start));
  row.push_back(Value::Int64(bound, session.end));
  row.push_back(Value::Int64(schema_->field(k + 2).type, session.end - 1));
  for (size_t a = 0; a < calls_.size(); ++a) {
    OverAccumulator acc(calls_[a], arg_types_[a]);
    for (const Args& r : session.rows) {
      if (r[a]) acc.Add(*r[a]);
    }
    row.push_back(acc.Result());
  }
  return row;
}

void SessionWindowOperator::AppendResult(const KeyState& state, Session& session) {
  Row result = ResultRow(state, session);
  const size_t k = state.key.size();
  const Row* same_bounds = nullptr;  // an absorbed result with the new bounds: updated in place
  for (const Row& old : session.retract) {
    if (!same_bounds && old[k].data == result[k].data && old[k + 1].data == result[k + 1].data) {
      same_bounds = &old;
      continue;
    }
    out_rows_.push_back(old);
    out_kinds_.push_back(RowKind::kDelete);
  }
  auto emit = [&](Row row, RowKind kind) {
    out_has_updates_ |= kind != RowKind::kInsert;
    out_rows_.push_back(std::move(row));
    out_kinds_.push_back(kind);
  };
  if (!session.retract.empty()) out_has_updates_ = true;
  if (!same_bounds) {
    emit(result, RowKind::kInsert);
  } else if (!std::equal(result.begin(), result.end(), same_bounds->begin(), same_bounds->end(),
                         [](const Value& a, const Value& b) { return a.data == b.data; })) {
    emit(*same_bounds, RowKind::kUpdateBefore);
    emit(result, RowKind::kUpdateAfter);
  }
  session.retract.clear();
  session.fired = true;
  if (allowed_lateness_ms_ > 0) session.emitted = std::move(result);
}

Status SessionWindowOperator::AdvanceWatermark(Watermark watermark, size_t /*input*/) {
  current_watermark_ = std::max(current_watermark_, watermark.value());
  // Also when late rows changed fired sessions (they are due at once).
  if (current_watermark_ > fired_up_to_ || next_fire_ <= current_watermark_) {
    RETURN_IF_ERROR(FireAndEmit(current_watermark_));
  }
  return EmitWatermark(watermark);
}

Status SessionWindowOperator::Finish() {
  RETURN_IF_ERROR(FireAndEmit(std::numeric_limits<int64_t>::max()));
  return EmitFinish();
}

Status SessionWindowOperator::FireAndEmit(int64_t watermark) {
  const int64_t before = fired_up_to_;
  FireUpTo(watermark);
  fired_up_to_ = watermark;
  return EmitOutput(before);
}

Status SessionWindowOperator::EmitOutput(int64_t row_watermark) {
  if (out_rows_.empty()) return Status::Ok();
  std::vector<RowKind> kinds;
  if (out_has_updates_) kinds = std::move(out_kinds_);
  BatchPtr batch = EventTimeRowBuffer::ToBatch(schema_, out_rows_, row_watermark, std::move(kinds));
  out_rows_.clear();
  out_kinds_.clear();
  out_has_updates_ = false;
  return Emit(batch);
}

}  // namespace sluice::runtime
