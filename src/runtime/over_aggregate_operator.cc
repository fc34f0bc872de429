#include "runtime/over_aggregate_operator.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <unordered_map>

#include "runtime/value_codec.h"
#include "types/cell_hash.h"

namespace sluice::runtime {
namespace {

/// Returns the KeyIdTable tag of a key of one integer column.
uint32_t IntKeyTag(bool null, int64_t value) {
  return KeyIdTable::Tag(null ? cell_hash::kNull : cell_hash::Mix(static_cast<uint64_t>(value)));
}

}  // namespace

Result<std::unique_ptr<OverAggregateOperator>> OverAggregateOperator::Create(
    const sql::PlanNode& node, int64_t state_ttl_ms) {
  if (node.kind != sql::PlanKind::kOverAggregate) {
    return Status::Internal("OverAggregateOperator needs a kOverAggregate node");
  }
  const Schema& input = *node.inputs[0]->schema;
  std::vector<LogicalType> arg_types;
  for (const auto& call : node.over.calls) {
    if (call.function == "ROW_NUMBER") {
      return Status::PlanError(
          "ROW_NUMBER() OVER (...) must be filtered by an enclosing query with `WHERE rn = 1` or "
          "`WHERE rn <= N` (deduplication or Top-N)");
    }
    arg_types.push_back(call.arg ? input.field(*call.arg).type : LogicalType::BigInt());
  }
  return std::unique_ptr<OverAggregateOperator>(
      new OverAggregateOperator(node, std::move(arg_types), state_ttl_ms));
}

OverAggregateOperator::OverAggregateOperator(const sql::PlanNode& node,
                                             std::vector<LogicalType> arg_types,
                                             int64_t state_ttl_ms)
    : EventTimeRowOperator(node.schema, node.over.order_column, node.inputs[0]->schema->size()),
      spec_(node.over),
      arg_types_(std::move(arg_types)) {
  for (const auto& call : spec_.calls) {
    const bool needs_values = call.function != "LAG" && (!call.count_star || call.filter);
    slots_.push_back(needs_values ? std::optional<size_t>(num_slots_++) : std::nullopt);
    is_lag_.push_back(call.function == "LAG");
    if (!is_lag_.back()) continue;
    has_lag_ = true;
    lag_depth_ = std::max<size_t>(lag_depth_, static_cast<size_t>(call.offset));
  }
  int64_t horizon = state_ttl_ms > 0 ? state_ttl_ms : -1;
  if (!spec_.unbounded && spec_.frame == sql::OverSpec::Frame::kRange && !has_lag_) {
    horizon = horizon < 0 ? spec_.preceding : std::min(horizon, spec_.preceding);
  }
  expiry_ = FifoExpiryQueue(horizon);
  if (spec_.partition_keys.size() == 1) {
    const TypeId id = node.inputs[0]->schema->field(spec_.partition_keys[0]).type.id;
    if (id == TypeId::kInt || id == TypeId::kBigInt || id == TypeId::kInterval) {
      int_key_column_ = spec_.partition_keys[0];
    }
  }
  std::vector<std::string> names;
  for (const auto& f : node.inputs[0]->schema->fields()) names.push_back(f.name);
  description_ = "OverAggregate[" + spec_.Describe(names) + "]";
}

Status OverAggregateOperator::SaveState(StateEncoder* out) const {
  SaveBuffer(out);
  out->PutI64(static_cast<int64_t>(num_keys()));
  for (uint32_t id = 0; id < states_.size(); ++id) {
    const KeyState& state = states_[id];
    if (!state.interned || state.dormant) continue;
    PutKey(id, out);
    out->PutI64(static_cast<int64_t>(state.frame.size()));
    for (const FrameRow& fr : state.frame) {
      out->PutI64(fr.time);
      for (const auto& arg : fr.args) ValueCodec::PutOptional(arg, out);
    }
    for (const auto& acc : state.running) acc.SaveState(out);
    out->PutI64(static_cast<int64_t>(state.lag_history.size()));
    for (const auto& values : state.lag_history) ValueCodec::PutRow(values, out);
  }
  // Keys as the encoded strings they stand for: the layout string-keyed state always had.
  expiry_.SaveState(
      out, [this](uint32_t id) { return states_[id].last_access; },
      [this](uint32_t id, StateEncoder* to) { PutKey(id, to); });
  return Status::Ok();
}

Status OverAggregateOperator::RestoreState(StateDecoder* in) {
  ids_.Clear();
  states_.clear();
  free_ids_.clear();
  num_dormant_ = 0;
  RETURN_IF_ERROR(RestoreBuffer(in));
  size_t num_keys = 0;
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &num_keys));
  std::string key;
  KeyProbe probe;
  for (size_t k = 0; k < num_keys; ++k) {
    RETURN_IF_ERROR(in->GetString(&key));
    if (!ProbeOfText(key, &probe)) return Status::DataError("a key of the saved OVER state is bad");
    if (Find(probe) != KeyIdTable::kNone) {
      return Status::DataError("a key of the saved OVER state appears twice");
    }
    KeyState& state = states_[NewState(probe)];
    size_t frame = 0;
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &frame));
    state.frame.resize(frame);
    for (FrameRow& fr : state.frame) {
      RETURN_IF_ERROR(in->GetI64(&fr.time));
      fr.args.resize(num_slots_);
      for (auto& arg : fr.args) RETURN_IF_ERROR(ValueCodec::GetOptional(in, &arg));
    }
    for (auto& acc : state.running) RETURN_IF_ERROR(acc.RestoreState(in));
    size_t lag = 0;
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &lag));
    state.lag_history.resize(lag);
    for (auto& values : state.lag_history) RETURN_IF_ERROR(ValueCodec::GetRow(in, &values));
  }
  return expiry_.RestoreState(
      in, [this](uint32_t id) -> int64_t& { return states_[id].last_access; },
      [this, &key, &probe](StateDecoder* from, uint32_t* id) -> Status {
        RETURN_IF_ERROR(from->GetString(&key));
        *id = ProbeOfText(key, &probe) ? Find(probe) : KeyIdTable::kNone;
        if (*id == KeyIdTable::kNone) {
          return Status::DataError("the saved OVER expiry queue has an unknown key");
        }
        return Status::Ok();
      });
}

OverAggregateOperator::FrameRow OverAggregateOperator::FrameRowOf(const BufferedRow& row,
                                                                  int64_t time) const {
  FrameRow fr;
  fr.time = time;
  if (num_slots_ == 0) return fr;
  fr.args.reserve(num_slots_);
  for (size_t c = 0; c < spec_.calls.size(); ++c) {
    const sql::OverCall& call = spec_.calls[c];
    if (!slots_[c]) continue;
    bool passes = true;
    if (call.filter) {
      const Value filter = row.value(*call.filter);
      passes = !filter.is_null() && filter.as_bool();
    }
    if (!passes) {
      fr.args.emplace_back();
    } else {
      fr.args.emplace_back(call.arg ? row.value(*call.arg) : Value::Bool(true));
    }
  }
  return fr;
}

uint32_t OverAggregateOperator::StateOf(const BufferedRow& row, int64_t time) {
  const KeyProbe probe = ProbeOf(row);
  uint32_t id = Find(probe);
  if (id == KeyIdTable::kNone) id = NewState(probe);
  KeyState& state = states_[id];
  if (state.dormant) {  // back after its state was dropped: still empty
    state.dormant = false;
    --num_dormant_;
  }
  // Every row before `time` has been processed: the clock stands at time - 1.
  if (expiry_.Access(id, &state.last_access, time - 1, time)) ClearState(id);
  return id;
}

OverAggregateOperator::KeyProbe OverAggregateOperator::ProbeOf(const BufferedRow& row) {
  KeyProbe probe;
  if (int_key_column_) {
    const Column& column = row.column(*int_key_column_);
    probe.null = column.IsNull(row.row);
    probe.value = probe.null ? 0 : column.ints()[row.row];
    probe.tag = IntKeyTag(probe.null, probe.value);
    return probe;
  }
  key_.clear();
  row.AppendKey(spec_.partition_keys, &key_);
  probe.text = key_;
  probe.tag = KeyIdTable::Tag(std::hash<std::string_view>{}(probe.text));
  return probe;
}

bool OverAggregateOperator::ProbeOfText(std::string_view text, KeyProbe* probe) const {
  *probe = KeyProbe{};
  if (!int_key_column_) {
    probe->text = text;
    probe->tag = KeyIdTable::Tag(std::hash<std::string_view>{}(text));
    return true;
  }
  // '\x01' for NULL; else '\x02', the digit count, ':', the digits (AppendIntKeyPart).
  probe->null = text == "\x01";
  if (!probe->null) {
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    const char* end = text.data() + text.size();
    if (std::from_chars(text.data() + colon + 1, end, probe->value).ptr != end) return false;
    std::string again;
    EventTimeRowBuffer::AppendIntKeyPart(probe->value, &again);
    if (again != text) return false;
  }
  probe->tag = IntKeyTag(probe->null, probe->value);
  return true;
}

uint32_t OverAggregateOperator::Find(const KeyProbe& probe) const {
  if (int_key_column_) {
    return ids_.Find(probe.tag, [&](uint32_t id) {
      const KeyState& state = states_[id];
      return state.int_key == probe.value && state.null_key == probe.null;
    });
  }
  return ids_.Find(probe.tag, [&](uint32_t id) { return states_[id].key == probe.text; });
}

void OverAggregateOperator::PutKey(uint32_t id, StateEncoder* out) const {
  const KeyState& state = states_[id];
  if (!int_key_column_) {
    out->PutString(state.key);
    return;
  }
  std::string text;
  if (state.null_key) {
    text.push_back('\x01');
  } else {
    EventTimeRowBuffer::AppendIntKeyPart(state.int_key, &text);
  }
  out->PutString(text);
}

uint32_t OverAggregateOperator::NewState(const KeyProbe& probe) {
  uint32_t id = 0;
  if (free_ids_.empty()) {
    id = static_cast<uint32_t>(states_.size());
    states_.emplace_back();
    ClearState(id);
  } else {
    id = free_ids_.back();
    free_ids_.pop_back();
  }
  KeyState& state = states_[id];
  state.interned = true;
  state.tag = probe.tag;
  state.null_key = probe.null;
  state.int_key = probe.value;
  state.key.assign(probe.text);
  ids_.Insert(probe.tag, id);
  return id;
}

void OverAggregateOperator::ClearState(uint32_t id) {
  KeyState& state = states_[id];
  state.frame.clear();
  state.lag_history.clear();
  if (!spec_.unbounded) return;
  state.running.clear();
  for (size_t c = 0; c < spec_.calls.size(); ++c) {
    state.running.emplace_back(spec_.calls[c], arg_types_[c]);
  }
}

void OverAggregateOperator::DropState(uint32_t id) {
  ClearState(id);
  states_[id].dormant = true;
  ++num_dormant_;
  if (num_dormant_ > std::max(num_keys(), kMinDormant)) ForgetDormantKeys();
}

void OverAggregateOperator::ForgetDormantKeys() {
  for (uint32_t id = 0; id < states_.size(); ++id) {
    KeyState& state = states_[id];
    if (!state.dormant) continue;
    ids_.Erase(state.tag, id);
    state.dormant = false;
    state.interned = false;
    free_ids_.push_back(id);
  }
  num_dormant_ = 0;
}

void OverAggregateOperator::FireRows(int64_t time, const std::vector<BufferedRow>& rows) {
  // ROWS frames, and a RANGE rowtime with one row (no peers): row by row.
  if (spec_.frame == sql::OverSpec::Frame::kRows || rows.size() == 1) {
    for (const BufferedRow& row : rows) {
      KeyState& state = states_[StateOf(row, time)];
      AddToFrame(state, FrameRowOf(row, time));
      Results(state, &results_);
      AppendOutput(row, results_, state);
    }
    return;
  }
  // RANGE: rows of one key with the same rowtime are peers; add them all, then emit each
  // with the shared results, in arrival order.
  peer_states_.clear();
  for (const BufferedRow& row : rows) {
    peer_states_.push_back(StateOf(row, time));
    AddToFrame(states_[peer_states_.back()], FrameRowOf(row, time));
  }
  std::unordered_map<uint32_t, std::vector<Value>> results;
  for (size_t i = 0; i < rows.size(); ++i) {
    KeyState& state = states_[peer_states_[i]];
    auto it = results.find(peer_states_[i]);
    if (it == results.end()) {
      it = results.try_emplace(peer_states_[i]).first;
      Results(state, &it->second);
    }
    AppendOutput(rows[i], it->second, state);
  }
}

void OverAggregateOperator::AddToFrame(KeyState& state, FrameRow row) {
  if (spec_.unbounded) {
    static const Value kCounted = Value::Bool(true);
    for (size_t c = 0; c < spec_.calls.size(); ++c) {
      if (is_lag_[c]) continue;
      if (!slots_[c]) {
        state.running[c].Add(kCounted);  // unfiltered COUNT(*)
      } else if (row.args[*slots_[c]]) {
        state.running[c].Add(*row.args[*slots_[c]]);
      }
    }
    return;
  }
  const int64_t time = row.time;
  state.frame.push_back(std::move(row));
  if (spec_.frame == sql::OverSpec::Frame::kRows) {
    const size_t keep = static_cast<size_t>(spec_.preceding) + 1;
    if (state.frame.size() > keep) state.frame.erase(state.frame.begin());
  } else {
    auto first = std::find_if(state.frame.begin(), state.frame.end(),
                              [&](const FrameRow& r) { return r.time >= time - spec_.preceding; });
    state.frame.erase(state.frame.begin(), first);
  }
}

void OverAggregateOperator::Results(const KeyState& state, std::vector<Value>* out) const {
  out->clear();
  if (spec_.unbounded) {
    for (const auto& acc : state.running) out->push_back(acc.Result());
    return;
  }
  for (size_t c = 0; c < spec_.calls.size(); ++c) {
    const sql::OverCall& call = spec_.calls[c];
    if (!slots_[c]) {  // LAG (computed per row) or an unfiltered COUNT(*)
      out->push_back(is_lag_[c]
                         ? Value::Null(call.type)
                         : Value::Int64(call.type, static_cast<int64_t>(state.frame.size())));
      continue;
    }
    OverAccumulator acc(call, arg_types_[c]);
    for (const FrameRow& fr : state.frame) {
      if (fr.args[*slots_[c]]) acc.Add(*fr.args[*slots_[c]]);
    }
    out->push_back(acc.Result());
  }
}

void OverAggregateOperator::AppendOutput(const BufferedRow& row, const std::vector<Value>& results,
                                         KeyState& state) {
  output_tail_.clear();
  const bool keep_lag = has_lag_ && lag_depth_ > 0;
  for (size_t c = 0; c < spec_.calls.size(); ++c) {
    const sql::OverCall& call = spec_.calls[c];
    if (!is_lag_[c]) {
      output_tail_.push_back(results[c]);
      continue;
    }
    const size_t n = static_cast<size_t>(call.offset);
    if (n == 0) {
      output_tail_.push_back(row.value(*call.arg));
    } else if (state.lag_history.size() >= n) {
      output_tail_.push_back(state.lag_history[state.lag_history.size() - n][c]);
    } else {
      output_tail_.push_back(call.default_column ? row.value(*call.default_column)
                                                 : Value::Null(call.type));
    }
    output_tail_.back().type = call.type;
  }
  if (keep_lag) {
    // The row joins the history; the oldest entry's vector is reused once the history is full.
    std::vector<Value> lag_values;
    if (state.lag_history.size() >= lag_depth_) {
      lag_values = std::move(state.lag_history.front());
      state.lag_history.erase(state.lag_history.begin());
    }
    lag_values.resize(spec_.calls.size());
    for (size_t c = 0; c < spec_.calls.size(); ++c) {
      const sql::OverCall& call = spec_.calls[c];
      lag_values[c] = is_lag_[c] ? row.value(*call.arg) : Value::Null(call.type);
    }
    state.lag_history.push_back(std::move(lag_values));
  }
  AppendOutputRow(row, output_tail_, RowKind::kInsert);
}

void OverAggregateOperator::ExpireKeys(int64_t watermark) {
  // Later rows have rowtime > watermark: a key idle past the horizon has no future use.
  expiry_.Expire(
      watermark, [this](uint32_t id) -> int64_t& { return states_[id].last_access; },
      [this](uint32_t id) { DropState(id); });
}

}  // namespace sluice::runtime
