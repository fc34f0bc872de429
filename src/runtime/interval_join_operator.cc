#include "runtime/interval_join_operator.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "runtime/memory_footprint.h"
#include "runtime/value_codec.h"

namespace sluice::runtime {
namespace {

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

// Returns whether a row whose last matching time is `expiry` can meet no row still on time at
// `watermark` (every row is done at the end of input).
bool Passed(int64_t expiry, int64_t watermark) {
  return expiry < watermark || watermark == kMaxWatermark.value();
}

// The bytes one held row takes with its share of the key and the expiry entry.
size_t HeldBytes(const std::vector<Value>& row, const std::string& key) {
  return MemoryFootprint::OfRow(row) + 2 * key.size() + 64;
}

}  // namespace

Result<std::unique_ptr<IntervalJoinOperator>> IntervalJoinOperator::Create(
    const sql::PlanNode& node) {
  if (node.kind != sql::PlanKind::kIntervalJoin || node.inputs.size() != 2) {
    return Status::Internal("IntervalJoinOperator needs a kIntervalJoin plan node with 2 inputs");
  }
  const sql::JoinSpec& spec = node.join;
  if (spec.left_keys.size() != spec.right_keys.size() || spec.lower_ms > spec.upper_ms ||
      spec.left_time >= node.inputs[0]->schema->size() ||
      spec.right_time >= node.inputs[1]->schema->size()) {
    return Status::Internal("malformed interval join spec");
  }
  return std::unique_ptr<IntervalJoinOperator>(new IntervalJoinOperator(node));
}

IntervalJoinOperator::IntervalJoinOperator(const sql::PlanNode& node)
    : JoinOperator(node, std::max<int64_t>({0, node.join.upper_ms, -node.join.lower_ms}),
                   "IntervalJoin") {
  sides_[0].time_column = spec_.left_time;
  sides_[0].outer = spec_.left_outer();
  sides_[1].time_column = spec_.right_time;
  sides_[1].outer = spec_.right_outer();
}

int64_t IntervalJoinOperator::ExpiryOf(size_t side, int64_t time) const {
  return side == 0 ? SaturatingAdd(time, spec_.upper_ms) : SaturatingAdd(time, -spec_.lower_ms);
}

void IntervalJoinOperator::ProcessRow(size_t side, Row row, int64_t watermark) {
  const Value& t = row[sides_[side].time_column];
  if (t.is_null()) return;
  const int64_t time = t.as_int();
  std::optional<std::string> key = KeyOf(side, row);
  if (!key) {
    if (sides_[side].outer) AppendPadded(side, row);
    return;
  }
  const bool matched = Probe(side, row, time, *key);
  const int64_t expiry = ExpiryOf(side, time);
  if (Passed(expiry, watermark)) {
    if (!matched && sides_[side].outer) AppendPadded(side, row);
    return;
  }
  Side& s = sides_[side];
  s.bytes += HeldBytes(row, *key);
  s.keys[*key].emplace(time, HeldRow{std::move(row), matched});
  s.expiry.emplace(expiry, *key);
  ++s.held;
}

bool IntervalJoinOperator::Probe(size_t side, const Row& row, int64_t time,
                                 const std::string& key) {
  Side& other = sides_[1 - side];
  auto it = other.keys.find(key);
  if (it == other.keys.end()) return false;
  // Left row at t matches right rows in [t + lower, t + upper]; right row at r matches left
  // rows in [r - upper, r - lower].
  const int64_t low =
      side == 0 ? SaturatingAdd(time, spec_.lower_ms) : SaturatingAdd(time, -spec_.upper_ms);
  const int64_t high =
      side == 0 ? SaturatingAdd(time, spec_.upper_ms) : SaturatingAdd(time, -spec_.lower_ms);
  bool matched = false;
  auto& rows = it->second;
  for (auto r = rows.lower_bound(low); r != rows.end() && r->first <= high; ++r) {
    if (side == 0) {
      AppendJoined(&row, &r->second.row);
    } else {
      AppendJoined(&r->second.row, &row);
    }
    r->second.matched = true;
    matched = true;
  }
  return matched;
}

void IntervalJoinOperator::OnWatermark(int64_t watermark) {
  Expire(0, watermark);
  Expire(1, watermark);
}

void IntervalJoinOperator::Expire(size_t side, int64_t watermark) {
  Side& s = sides_[side];
  while (!s.expiry.empty() && Passed(s.expiry.begin()->first, watermark)) {
    auto entry = s.expiry.extract(s.expiry.begin());
    auto it = s.keys.find(entry.mapped());
    if (it == s.keys.end()) continue;
    auto& rows = it->second;
    while (!rows.empty() && ExpiryOf(side, rows.begin()->first) <= entry.key()) {
      if (s.outer && !rows.begin()->second.matched) AppendPadded(side, rows.begin()->second.row);
      s.bytes -= HeldBytes(rows.begin()->second.row, it->first);
      rows.erase(rows.begin());
      --s.held;
    }
    if (rows.empty()) s.keys.erase(it);
  }
}

void IntervalJoinOperator::SaveSide(const Side& side, StateEncoder* out) const {
  out->PutI64(static_cast<int64_t>(side.keys.size()));
  for (const auto& [key, rows] : side.keys) {
    out->PutString(key);
    out->PutI64(static_cast<int64_t>(rows.size()));
    for (const auto& [time, held] : rows) {
      out->PutI64(time);
      out->PutU8(held.matched ? 1 : 0);
      ValueCodec::PutRow(held.row, out);
    }
  }
  out->PutI64(static_cast<int64_t>(side.expiry.size()));
  for (const auto& [time, key] : side.expiry) {
    out->PutI64(time);
    out->PutString(key);
  }
}

Status IntervalJoinOperator::RestoreSide(StateDecoder* in, Side* side) {
  side->keys.clear();
  side->expiry.clear();
  side->held = 0;
  side->bytes = 0;
  size_t keys = 0;
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &keys));
  for (size_t k = 0; k < keys; ++k) {
    std::string key;
    size_t n = 0;
    RETURN_IF_ERROR(in->GetString(&key));
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &n));
    auto& rows = side->keys[key];
    for (size_t i = 0; i < n; ++i) {
      int64_t time = 0;
      uint8_t matched = 0;
      HeldRow held;
      RETURN_IF_ERROR(in->GetI64(&time));
      RETURN_IF_ERROR(in->GetU8(&matched));
      RETURN_IF_ERROR(ValueCodec::GetRow(in, &held.row));
      held.matched = matched != 0;
      side->bytes += HeldBytes(held.row, key);
      rows.emplace_hint(rows.end(), time, std::move(held));
      ++side->held;
    }
  }
  size_t entries = 0;
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &entries));
  for (size_t i = 0; i < entries; ++i) {
    int64_t time = 0;
    std::string key;
    RETURN_IF_ERROR(in->GetI64(&time));
    RETURN_IF_ERROR(in->GetString(&key));
    side->expiry.emplace_hint(side->expiry.end(), time, std::move(key));
  }
  return Status::Ok();
}

Status IntervalJoinOperator::SaveState(StateEncoder* out) const {
  SaveBase(out);
  for (const Side& side : sides_) SaveSide(side, out);
  return Status::Ok();
}

Status IntervalJoinOperator::RestoreState(StateDecoder* in) {
  RETURN_IF_ERROR(RestoreBase(in));
  for (Side& side : sides_) RETURN_IF_ERROR(RestoreSide(in, &side));
  return Status::Ok();
}

}  // namespace sluice::runtime
