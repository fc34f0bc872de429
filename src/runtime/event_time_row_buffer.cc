#include "runtime/event_time_row_buffer.h"

#include <algorithm>

#include "runtime/memory_footprint.h"
#include "runtime/value_codec.h"

namespace sluice::runtime {

Status EventTimeRowBuffer::Add(const Batch& batch, int64_t watermark) {
  const Column& time = batch.column(time_column_);
  for (size_t i = 0; i < batch.num_rows; ++i) {
    if (batch.row_kind(i) != RowKind::kInsert) {
      return Status::Unsupported("event-time OVER, deduplication and Top-N need insert-only input");
    }
    if (time.IsNull(i)) continue;
    const int64_t t = time.ints()[i];
    int64_t wm = watermark;
    if (!batch.row_watermarks.empty()) wm = std::max(wm, batch.row_watermarks[i]);
    if (t <= wm) {
      ++late_records_dropped_;
      continue;
    }
    Row row;
    row.reserve(columns_);
    for (size_t c = 0; c < columns_; ++c) row.push_back(Value::FromColumn(batch.column(c), i));
    bytes_ += MemoryFootprint::OfRow(row);
    // Rows mostly arrive in rowtime order: the end is the place to look first.
    pending_.try_emplace(pending_.end(), t)->second.push_back(std::move(row));
  }
  return Status::Ok();
}

void EventTimeRowBuffer::TakeUpTo(int64_t watermark,
                                  const std::function<void(int64_t, const std::vector<Row>&)>& fn) {
  while (!pending_.empty() && pending_.begin()->first <= watermark) {
    auto node = pending_.extract(pending_.begin());
    for (const Row& row : node.mapped()) bytes_ -= MemoryFootprint::OfRow(row);
    fn(node.key(), node.mapped());
  }
}

void EventTimeRowBuffer::SaveState(StateEncoder* out) const {
  out->PutI64(late_records_dropped_);
  out->PutI64(static_cast<int64_t>(pending_.size()));
  for (const auto& [time, rows] : pending_) {
    out->PutI64(time);
    out->PutI64(static_cast<int64_t>(rows.size()));
    for (const Row& row : rows) ValueCodec::PutRow(row, out);
  }
}

Status EventTimeRowBuffer::RestoreState(StateDecoder* in) {
  pending_.clear();
  bytes_ = 0;
  RETURN_IF_ERROR(in->GetI64(&late_records_dropped_));
  size_t times = 0;
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &times));
  for (size_t t = 0; t < times; ++t) {
    int64_t time = 0;
    size_t n = 0;
    RETURN_IF_ERROR(in->GetI64(&time));
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &n));
    std::vector<Row>& rows = pending_[time];
    rows.resize(n);
    for (Row& row : rows) {
      RETURN_IF_ERROR(ValueCodec::GetRow(in, &row));
      bytes_ += MemoryFootprint::OfRow(row);
    }
  }
  return Status::Ok();
}

size_t EventTimeRowBuffer::size() const {
  size_t n = 0;
  for (const auto& [time, rows] : pending_) n += rows.size();
  return n;
}

std::string EventTimeRowBuffer::KeyOf(const Row& row, const std::vector<size_t>& keys) {
  std::string key;
  for (size_t k : keys) {
    const Value& v = row[k];
    if (v.is_null()) {
      key += '\x01';
      continue;
    }
    // A string key part is appended from the value itself: no copy per row.
    const bool is_string = std::holds_alternative<std::string>(v.data);
    std::string text = is_string ? std::string() : v.ToString();
    const std::string& part = is_string ? v.as_string() : text;
    key += '\x02';
    key += std::to_string(part.size());
    key += ':';
    key += part;
  }
  return key;
}

BatchPtr EventTimeRowBuffer::ToBatch(const SchemaPtr& schema, const std::vector<Row>& rows,
                                     int64_t row_watermark, std::vector<RowKind> kinds) {
  auto batch = std::make_shared<Batch>();
  batch->schema = schema;
  batch->num_rows = rows.size();
  for (size_t c = 0; c < schema->size(); ++c) {
    auto column = std::make_shared<Column>(schema->field(c).type);
    column->Reserve(rows.size());
    for (const Row& row : rows) row[c].AppendTo(column.get());
    batch->columns.push_back(std::move(column));
  }
  batch->row_watermarks.assign(rows.size(), row_watermark);
  batch->row_kinds = std::move(kinds);
  return batch;
}

}  // namespace sluice::runtime
