#include "runtime/event_time_row_buffer.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <variant>

#include "runtime/memory_footprint.h"
#include "runtime/value_codec.h"

namespace sluice::runtime {

Status EventTimeRowBuffer::Add(const BatchPtr& batch, int64_t watermark) {
  const Column& time = batch->column(time_column_);
  for (size_t i = 0; i < batch->num_rows; ++i) {
    if (batch->row_kind(i) != RowKind::kInsert) {
      return Status::Unsupported("event-time OVER, deduplication and Top-N need insert-only input");
    }
    if (time.IsNull(i)) continue;
    const int64_t t = time.ints()[i];
    int64_t wm = watermark;
    if (!batch->row_watermarks.empty()) wm = std::max(wm, batch->row_watermarks[i]);
    if (t <= wm) {
      ++late_records_dropped_;
      continue;
    }
    // Rows mostly arrive in rowtime order: the end is the place to look first.
    pending_.try_emplace(pending_.end(), t)
        ->second.push_back({Retain(batch), static_cast<uint32_t>(i)});
  }
  return Status::Ok();
}

uint64_t EventTimeRowBuffer::Retain(const BatchPtr& batch) {
  if (chunks_.empty() || chunks_.back().batch != batch) {
    chunks_.push_back({batch, 0});
    bytes_ += MemoryFootprint::OfBatch(*batch);
  }
  ++chunks_.back().live;
  return first_chunk_ + chunks_.size() - 1;
}

void EventTimeRowBuffer::Release(uint64_t chunk) {
  Chunk& c = chunks_[chunk - first_chunk_];
  if (--c.live == 0) {
    bytes_ -= MemoryFootprint::OfBatch(*c.batch);
    c.batch.reset();
  }
  while (!chunks_.empty() && chunks_.front().live == 0) {
    chunks_.pop_front();
    ++first_chunk_;
  }
}

void EventTimeRowBuffer::TakeUpTo(
    int64_t watermark, const std::function<void(int64_t, const std::vector<BufferedRow>&)>& fn) {
  std::vector<BufferedRow> rows;
  while (!pending_.empty() && pending_.begin()->first <= watermark) {
    auto node = pending_.extract(pending_.begin());
    rows.clear();
    for (const Held& h : node.mapped()) rows.push_back({BatchOf(h.chunk), h.row});
    fn(node.key(), rows);
    for (const Held& h : node.mapped()) Release(h.chunk);
  }
}

void EventTimeRowBuffer::SaveState(StateEncoder* out) const {
  out->PutI64(late_records_dropped_);
  out->PutI64(static_cast<int64_t>(pending_.size()));
  for (const auto& [time, held] : pending_) {
    out->PutI64(time);
    out->PutI64(static_cast<int64_t>(held.size()));
    for (const Held& h : held) {
      ValueCodec::PutRow(BufferedRow{BatchOf(h.chunk), h.row}.ToValues(types_.size()), out);
    }
  }
}

Status EventTimeRowBuffer::RestoreState(StateDecoder* in) {
  pending_.clear();
  chunks_.clear();
  first_chunk_ = 0;
  bytes_ = 0;
  RETURN_IF_ERROR(in->GetI64(&late_records_dropped_));
  size_t times = 0;
  RETURN_IF_ERROR(ValueCodec::GetCount(in, &times));
  // Every restored row goes into one batch, in rowtime order.
  auto schema = std::make_shared<Schema>();
  for (size_t c = 0; c < types_.size(); ++c) schema->Add({"c" + std::to_string(c), types_[c]});
  std::vector<Row> rows;
  std::vector<int64_t> row_times;
  for (size_t t = 0; t < times; ++t) {
    int64_t time = 0;
    size_t n = 0;
    RETURN_IF_ERROR(in->GetI64(&time));
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &n));
    for (size_t i = 0; i < n; ++i) {
      Row& row = rows.emplace_back();
      RETURN_IF_ERROR(ValueCodec::GetRow(in, &row));
      if (row.size() != types_.size()) {
        return Status::DataError("a buffered row of the saved state has the wrong column count");
      }
      row_times.push_back(time);
    }
  }
  if (rows.empty()) return Status::Ok();
  const BatchPtr batch = ToBatch(schema, rows, 0, {});
  for (size_t i = 0; i < rows.size(); ++i) {
    pending_[row_times[i]].push_back({Retain(batch), static_cast<uint32_t>(i)});
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
  AppendKeyOf(row, keys, &key);
  return key;
}

void EventTimeRowBuffer::AppendKeyOf(const Row& row, const std::vector<size_t>& keys,
                                     std::string* key) {
  for (size_t k : keys) {
    const Value& v = row[k];
    if (v.is_null()) {
      key->push_back('\x01');
      continue;
    }
    // The text Value::ToString gives, without building a column for the common key types.
    const TypeId id = v.type.id;
    if (id == TypeId::kString && std::holds_alternative<std::string>(v.data)) {
      AppendKeyPart(v.as_string(), key);
    } else if ((id == TypeId::kInt || id == TypeId::kBigInt || id == TypeId::kInterval) &&
               std::holds_alternative<int64_t>(v.data)) {
      AppendIntKeyPart(v.as_int(), key);
    } else {
      AppendKeyPart(v.ToString(), key);
    }
  }
}

void EventTimeRowBuffer::AppendIntKeyPart(int64_t value, std::string* key) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  AppendKeyPart(std::string_view(digits, static_cast<size_t>(end - digits)), key);
}

void EventTimeRowBuffer::AppendKeyPart(std::string_view text, std::string* key) {
  char length[24];
  const auto end = std::to_chars(length, length + sizeof(length), text.size()).ptr;
  key->push_back('\x02');
  key->append(length, static_cast<size_t>(end - length));
  key->push_back(':');
  key->append(text);
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
