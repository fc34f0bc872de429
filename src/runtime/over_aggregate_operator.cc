#include "runtime/over_aggregate_operator.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "runtime/value_codec.h"

namespace sluice::runtime {

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
    if (call.function != "LAG") continue;
    has_lag_ = true;
    lag_depth_ = std::max<size_t>(lag_depth_, static_cast<size_t>(call.offset));
  }
  int64_t horizon = state_ttl_ms > 0 ? state_ttl_ms : -1;
  if (!spec_.unbounded && spec_.frame == sql::OverSpec::Frame::kRange && !has_lag_) {
    horizon = horizon < 0 ? spec_.preceding : std::min(horizon, spec_.preceding);
  }
  expiry_ = KeyExpiryQueue<std::string>(horizon);
  std::vector<std::string> names;
  for (const auto& f : node.inputs[0]->schema->fields()) names.push_back(f.name);
  description_ = "OverAggregate[" + spec_.Describe(names) + "]";
}

Status OverAggregateOperator::SaveState(StateEncoder* out) const {
  SaveBuffer(out);
  out->PutI64(static_cast<int64_t>(keys_.size()));
  for (const auto& [key, state] : keys_) {
    out->PutString(key);
    out->PutI64(static_cast<int64_t>(state.frame.size()));
    for (const FrameRow& fr : state.frame) {
      out->PutI64(fr.time);
      for (const auto& arg : fr.args) ValueCodec::PutOptional(arg, out);
    }
    for (const auto& acc : state.running) acc.SaveState(out);
    out->PutI64(static_cast<int64_t>(state.lag_history.size()));
    for (const auto& values : state.lag_history) ValueCodec::PutRow(values, out);
  }
  expiry_.SaveState(out);
  return Status::Ok();
}

Status OverAggregateOperator::RestoreState(StateDecoder* in) {
  keys_.clear();
  RETURN_IF_ERROR(RestoreBuffer(in));
  size_t num_keys = 0;
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &num_keys));
  for (size_t k = 0; k < num_keys; ++k) {
    std::string key;
    RETURN_IF_ERROR(in->GetString(&key));
    KeyState& state = NewState(key);
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
  return expiry_.RestoreState(in);
}

OverAggregateOperator::FrameRow OverAggregateOperator::FrameRowOf(const Row& row) const {
  FrameRow fr;
  fr.time = row[spec_.order_column].as_int();
  fr.args.reserve(num_slots_);
  for (size_t c = 0; c < spec_.calls.size(); ++c) {
    const sql::OverCall& call = spec_.calls[c];
    if (!slots_[c]) continue;
    const bool passes =
        !call.filter || (!row[*call.filter].is_null() && row[*call.filter].as_bool());
    if (!passes) {
      fr.args.emplace_back();
    } else {
      fr.args.emplace_back(call.arg ? row[*call.arg] : Value::Bool(true));
    }
  }
  return fr;
}

OverAggregateOperator::KeyState& OverAggregateOperator::StateOf(const std::string& key,
                                                                int64_t time) {
  // Every row before `time` has been processed: the clock stands at time - 1.
  if (expiry_.Access(key, time - 1, time)) keys_.erase(key);
  return NewState(key);
}

OverAggregateOperator::KeyState& OverAggregateOperator::NewState(const std::string& key) {
  auto [it, inserted] = keys_.try_emplace(key);
  if (inserted && spec_.unbounded) {
    for (size_t c = 0; c < spec_.calls.size(); ++c) {
      it->second.running.emplace_back(spec_.calls[c], arg_types_[c]);
    }
  }
  return it->second;
}

void OverAggregateOperator::FireRows(int64_t time, const std::vector<BufferedRow>& buffered) {
  const std::vector<Row> rows = ToRows(buffered);
  // ROWS frames, and a RANGE rowtime with one row (no peers): row by row.
  if (spec_.frame == sql::OverSpec::Frame::kRows || rows.size() == 1) {
    for (const Row& row : rows) {
      KeyState& state = StateOf(EventTimeRowBuffer::KeyOf(row, spec_.partition_keys), time);
      AddToFrame(state, FrameRowOf(row));
      AppendOutput(row, Results(state), state);
    }
    return;
  }
  // RANGE: rows of one key with the same rowtime are peers; add them all, then emit each
  // with the shared results, in arrival order.
  std::vector<KeyState*> states;
  for (const Row& row : rows) {
    states.push_back(&StateOf(EventTimeRowBuffer::KeyOf(row, spec_.partition_keys), time));
    AddToFrame(*states.back(), FrameRowOf(row));
  }
  std::unordered_map<KeyState*, std::vector<Value>> results;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto it = results.find(states[i]);
    if (it == results.end()) it = results.emplace(states[i], Results(*states[i])).first;
    AppendOutput(rows[i], it->second, *states[i]);
  }
}

void OverAggregateOperator::AddToFrame(KeyState& state, FrameRow row) {
  if (spec_.unbounded) {
    static const Value kCounted = Value::Bool(true);
    for (size_t c = 0; c < spec_.calls.size(); ++c) {
      if (spec_.calls[c].function == "LAG") continue;
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

std::vector<Value> OverAggregateOperator::Results(KeyState& state) {
  std::vector<Value> out;
  if (spec_.unbounded) {
    for (const auto& acc : state.running) out.push_back(acc.Result());
    return out;
  }
  for (size_t c = 0; c < spec_.calls.size(); ++c) {
    const sql::OverCall& call = spec_.calls[c];
    if (!slots_[c]) {  // LAG (computed per row) or an unfiltered COUNT(*)
      out.push_back(call.function == "LAG"
                        ? Value::Null(call.type)
                        : Value::Int64(call.type, static_cast<int64_t>(state.frame.size())));
      continue;
    }
    OverAccumulator acc(call, arg_types_[c]);
    for (const FrameRow& fr : state.frame) {
      if (fr.args[*slots_[c]]) acc.Add(*fr.args[*slots_[c]]);
    }
    out.push_back(acc.Result());
  }
  return out;
}

void OverAggregateOperator::AppendOutput(const Row& row, const std::vector<Value>& results,
                                         KeyState& state) {
  // One allocation for the output row (a copy grown by push_back would take two).
  Row out;
  out.reserve(row.size() + spec_.calls.size());
  out.insert(out.end(), row.begin(), row.end());
  const bool keep_lag = has_lag_ && lag_depth_ > 0;
  std::vector<Value> lag_values;
  if (keep_lag) lag_values.reserve(spec_.calls.size());
  for (size_t c = 0; c < spec_.calls.size(); ++c) {
    const sql::OverCall& call = spec_.calls[c];
    if (call.function != "LAG") {
      out.push_back(results[c]);
      if (keep_lag) lag_values.push_back(Value::Null(call.type));
      continue;
    }
    const size_t n = static_cast<size_t>(call.offset);
    if (n == 0) {
      out.push_back(row[*call.arg]);
    } else if (state.lag_history.size() >= n) {
      out.push_back(state.lag_history[state.lag_history.size() - n][c]);
    } else {
      out.push_back(call.default_column ? row[*call.default_column] : Value::Null(call.type));
    }
    out.back().type = call.type;
    if (keep_lag) lag_values.push_back(row[*call.arg]);
  }
  if (keep_lag) {
    state.lag_history.push_back(std::move(lag_values));
    if (state.lag_history.size() > lag_depth_) state.lag_history.erase(state.lag_history.begin());
  }
  AppendOutputRow(std::move(out));
}

void OverAggregateOperator::ExpireKeys(int64_t watermark) {
  // Later rows have rowtime > watermark: a key idle past the horizon has no future use.
  expiry_.Expire(watermark, [this](const std::string& key) { keys_.erase(key); });
}

}  // namespace sluice::runtime
