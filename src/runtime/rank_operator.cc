#include "runtime/rank_operator.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "runtime/value_codec.h"

namespace sluice::runtime {

Result<std::unique_ptr<RankOperator>> RankOperator::Create(const sql::PlanNode& node,
                                                           int64_t state_ttl_ms) {
  if (node.kind != sql::PlanKind::kRank) return Status::Internal("RankOperator needs a kRank node");
  return std::unique_ptr<RankOperator>(new RankOperator(node, state_ttl_ms));
}

RankOperator::RankOperator(const sql::PlanNode& node, int64_t state_ttl_ms)
    : EventTimeRowOperator(node.schema,
                           node.rank.window_end_column.value_or(node.rank.order_column),
                           node.inputs[0]->schema->size()),
      spec_(node.rank),
      expiry_(state_ttl_ms > 0 && !node.rank.window_end_column ? state_ttl_ms : -1) {
  std::vector<std::string> names;
  for (const auto& f : node.inputs[0]->schema->fields()) names.push_back(f.name);
  description_ = spec_.Describe(names);
  if (expiry_.enabled()) description_ += fmt::format(" ttl={}ms", state_ttl_ms);
}

Status RankOperator::SaveState(StateEncoder* out) const {
  SaveBuffer(out);
  out->PutI64(static_cast<int64_t>(keys_.size()));
  for (const auto& [key, top] : keys_) {
    out->PutString(key);
    out->PutI64(static_cast<int64_t>(top.size()));
    for (const Row& row : top) ValueCodec::PutRow(row, out);
  }
  if (expiry_.enabled()) expiry_.SaveState(out);  // else the layout before state TTL existed
  return Status::Ok();
}

Status RankOperator::RestoreState(StateDecoder* in) {
  keys_.clear();
  RETURN_IF_ERROR(RestoreBuffer(in));
  size_t num_keys = 0;
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &num_keys));
  for (size_t k = 0; k < num_keys; ++k) {
    std::string key;
    size_t n = 0;
    RETURN_IF_ERROR(in->GetString(&key));
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &n));
    std::vector<Row>& top = keys_[key];
    top.resize(n);
    for (Row& row : top) RETURN_IF_ERROR(ValueCodec::GetRow(in, &row));
  }
  return expiry_.enabled() ? expiry_.RestoreState(in) : Status::Ok();
}

void RankOperator::FireRows(int64_t time, const std::vector<BufferedRow>& rows) {
  if (spec_.window_end_column) {
    RankWindow(ToRows(rows));
    return;
  }
  for (const BufferedRow& row : rows) Rank(row, time);
}

void RankOperator::AfterWatermark(int64_t watermark) {
  expiry_.Expire(watermark, [this](const std::string& key) { keys_.erase(key); });
}

void RankOperator::RankWindow(const std::vector<Row>& rows) {
  // Partitions in order of first appearance, rows in arrival order within.
  std::vector<std::vector<const Row*>> partitions;
  std::unordered_map<std::string, size_t> index;
  for (const Row& row : rows) {
    auto [it, inserted] =
        index.try_emplace(EventTimeRowBuffer::KeyOf(row, spec_.partition_keys), partitions.size());
    if (inserted) partitions.emplace_back();
    partitions[it->second].push_back(&row);
  }
  const size_t order = spec_.order_column;
  for (auto& partition : partitions) {
    // NULLs last; ties keep arrival order.
    std::stable_sort(partition.begin(), partition.end(), [&](const Row* a, const Row* b) {
      const Value& x = (*a)[order];
      const Value& y = (*b)[order];
      if (x.is_null() || y.is_null()) return !x.is_null() && y.is_null();
      return spec_.descending ? y.data < x.data : x.data < y.data;
    });
    const size_t n = std::min(partition.size(), static_cast<size_t>(spec_.limit));
    for (size_t i = 0; i < n; ++i) {
      Append(*partition[i], static_cast<int64_t>(i + 1), RowKind::kInsert);
    }
  }
}

std::vector<RankOperator::Row>& RankOperator::TopOf(const BufferedRow& row, int64_t time) {
  key_.clear();
  row.AppendKey(spec_.partition_keys, &key_);
  // Every row before `time` has been ranked: the clock stands at time - 1.
  if (expiry_.enabled() && expiry_.Access(key_, time - 1, time)) keys_.erase(key_);
  auto it = keys_.find(key_);
  if (it == keys_.end()) it = keys_.try_emplace(key_).first;
  return it->second;
}

void RankOperator::Rank(const BufferedRow& row, int64_t time) {
  std::vector<Row>& top = TopOf(row, time);
  const size_t limit = static_cast<size_t>(spec_.limit);
  const size_t columns = input_columns();
  if (!spec_.descending) {
    if (top.size() >= limit) return;  // rows come in rowtime order: never ahead of the kept ones
    AppendOutputRow(row, RankValue(static_cast<int64_t>(top.size() + 1)), RowKind::kInsert);
    // Keep-first needs only to know the key was seen: its row is not kept.
    top.push_back(limit == 1 ? Row() : row.ToValues(columns));
    return;
  }
  if (top.empty()) {  // a key's first row: +I at rank 1, from the buffered row
    AppendOutputRow(row, RankValue(1), RowKind::kInsert);
    top.push_back(row.ToValues(columns));
    return;
  }
  if (limit == 1 && top.size() == 1) {  // keep-last: the new row replaces the kept one in place
    Append(top[0], 1, RowKind::kUpdateBefore);
    AppendOutputRow(row, RankValue(1), RowKind::kUpdateAfter);
    row.CopyTo(&top[0]);
    return;
  }
  // The new row goes first and the previous top rows follow it: top[i + 1] is the row that
  // held rank i + 1 before and top[i] the one that holds it now (the old rows are not copied).
  const size_t previous = top.size();
  top.insert(top.begin(), row.ToValues(columns));
  if (!spec_.with_row_number && limit > 1) {
    if (previous == limit) Append(top.back(), static_cast<int64_t>(limit), RowKind::kDelete);
    Append(top.front(), 1, RowKind::kInsert);
  } else {
    for (size_t i = 0; i < std::min(previous + 1, limit); ++i) {
      if (i < previous) {
        Append(top[i + 1], static_cast<int64_t>(i + 1), RowKind::kUpdateBefore);
        Append(top[i], static_cast<int64_t>(i + 1), RowKind::kUpdateAfter);
      } else {
        Append(top[i], static_cast<int64_t>(i + 1), RowKind::kInsert);
      }
    }
  }
  if (top.size() > limit) top.pop_back();
}

void RankOperator::Append(const Row& row, int64_t rank, RowKind kind) {
  AppendOutputRow(row, RankValue(rank), kind);
}

Value RankOperator::RankValue(int64_t rank) {
  return Value::Int64(LogicalType::BigInt().WithNullable(false), rank);
}

}  // namespace sluice::runtime
