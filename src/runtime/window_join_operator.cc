#include "runtime/window_join_operator.h"

#include "runtime/memory_footprint.h"
#include "runtime/value_codec.h"

namespace sluice::runtime {

Result<std::unique_ptr<WindowJoinOperator>> WindowJoinOperator::Create(const sql::PlanNode& node) {
  if (node.kind != sql::PlanKind::kWindowJoin || node.inputs.size() != 2) {
    return Status::Internal("WindowJoinOperator needs a kWindowJoin plan node with 2 inputs");
  }
  const sql::JoinSpec& spec = node.join;
  const size_t left = node.inputs[0]->schema->size();
  const size_t right = node.inputs[1]->schema->size();
  if (spec.left_keys.size() != spec.right_keys.size() || spec.left_window_start >= left ||
      spec.left_window_end >= left || spec.right_window_start >= right ||
      spec.right_window_end >= right) {
    return Status::Internal("malformed window join spec");
  }
  return std::unique_ptr<WindowJoinOperator>(new WindowJoinOperator(node));
}

WindowJoinOperator::WindowJoinOperator(const sql::PlanNode& node)
    : JoinOperator(node, 0, "WindowJoin"),
      start_columns_{node.join.left_window_start, node.join.right_window_start},
      end_columns_{node.join.left_window_end, node.join.right_window_end} {}

void WindowJoinOperator::ProcessRow(size_t side, Row row, int64_t watermark) {
  const Value& end = row[end_columns_[side]];
  const Value& start = row[start_columns_[side]];
  if (end.is_null() || start.is_null()) return;
  if (end.as_int() <= watermark) {
    ++late_records_dropped_;
    return;
  }
  const bool outer = side == 0 ? spec_.left_outer() : spec_.right_outer();
  std::optional<std::string> key = KeyOf(side, row);
  if (!key && !outer) return;
  Window& window = windows_[{end.as_int(), start.as_int()}];
  size_t bytes = MemoryFootprint::OfRow(row);
  if (!key) {
    window.bytes += bytes;
    bytes_ += bytes;
    window.null_keys[side].push_back(std::move(row));
    return;
  }
  auto [it, inserted] = window.index.emplace(*key, window.keys.size());
  if (inserted) {
    window.keys.push_back(KeyRows{*key, {}});
    bytes += 2 * key->size();
  }
  window.bytes += bytes;
  bytes_ += bytes;
  window.keys[it->second].rows[side].push_back(std::move(row));
}

void WindowJoinOperator::OnWatermark(int64_t watermark) {
  while (!windows_.empty() && windows_.begin()->first.first <= watermark) {
    auto node = windows_.extract(windows_.begin());
    bytes_ -= node.mapped().bytes;
    Fire(node.mapped());
  }
}

void WindowJoinOperator::Fire(const Window& window) {
  for (const KeyRows& k : window.keys) {
    const auto& [left, right] = k.rows;
    for (const Row& l : left) {
      for (const Row& r : right) AppendJoined(&l, &r);
    }
    for (size_t side = 0; side < 2; ++side) {
      const bool outer = side == 0 ? spec_.left_outer() : spec_.right_outer();
      if (!outer || !k.rows[1 - side].empty()) continue;
      for (const Row& row : k.rows[side]) AppendPadded(side, row);
    }
  }
  for (size_t side = 0; side < 2; ++side) {
    for (const Row& row : window.null_keys[side]) AppendPadded(side, row);
  }
}

std::optional<OperatorStats> WindowJoinOperator::stats() const {
  int64_t keys = 0;
  for (const auto& [id, window] : windows_) keys += static_cast<int64_t>(window.keys.size());
  return OperatorStats{keys, late_records_dropped_, 0};
}

Status WindowJoinOperator::SaveState(StateEncoder* out) const {
  SaveBase(out);
  out->PutI64(late_records_dropped_);
  out->PutI64(static_cast<int64_t>(windows_.size()));
  auto put_rows = [out](const std::vector<Row>& rows) {
    out->PutI64(static_cast<int64_t>(rows.size()));
    for (const Row& row : rows) ValueCodec::PutRow(row, out);
  };
  for (const auto& [id, window] : windows_) {
    out->PutI64(id.first);
    out->PutI64(id.second);
    out->PutI64(static_cast<int64_t>(window.keys.size()));
    for (const KeyRows& k : window.keys) {
      out->PutString(k.key);
      for (const auto& rows : k.rows) put_rows(rows);
    }
    for (const auto& rows : window.null_keys) put_rows(rows);
  }
  return Status::Ok();
}

Status WindowJoinOperator::RestoreState(StateDecoder* in) {
  RETURN_IF_ERROR(RestoreBase(in));
  RETURN_IF_ERROR(in->GetI64(&late_records_dropped_));
  windows_.clear();
  bytes_ = 0;
  auto get_rows = [in](std::vector<Row>* rows) -> Status {
    size_t n = 0;
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &n));
    rows->resize(n);
    for (Row& row : *rows) RETURN_IF_ERROR(ValueCodec::GetRow(in, &row));
    return Status::Ok();
  };
  size_t windows = 0;
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &windows));
  for (size_t w = 0; w < windows; ++w) {
    WindowId id;
    size_t keys = 0;
    RETURN_IF_ERROR(in->GetI64(&id.first));
    RETURN_IF_ERROR(in->GetI64(&id.second));
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &keys));
    Window& window = windows_[id];
    window.keys.resize(keys);
    for (size_t k = 0; k < keys; ++k) {
      RETURN_IF_ERROR(in->GetString(&window.keys[k].key));
      for (auto& rows : window.keys[k].rows) RETURN_IF_ERROR(get_rows(&rows));
      window.index.emplace(window.keys[k].key, k);
    }
    for (auto& rows : window.null_keys) RETURN_IF_ERROR(get_rows(&rows));
    for (const KeyRows& k : window.keys) {
      window.bytes += 2 * k.key.size();
      for (const auto& rows : k.rows) {
        for (const Row& row : rows) window.bytes += MemoryFootprint::OfRow(row);
      }
    }
    for (const auto& rows : window.null_keys) {
      for (const Row& row : rows) window.bytes += MemoryFootprint::OfRow(row);
    }
    bytes_ += window.bytes;
  }
  return Status::Ok();
}

}  // namespace sluice::runtime
