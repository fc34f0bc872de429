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
  const size_t first = pending_.size();
  for (size_t i = 0; i < batch->num_rows; ++i) {
    if (batch->row_kind(i) != RowKind::kInsert) {
      Order(first);
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
    pending_.push_back({t, Retain(batch), static_cast<uint32_t>(i)});
  }
  Order(first);
  return Status::Ok();
}

void EventTimeRowBuffer::Order(size_t first) {
  const auto by_time = [](const Held& a, const Held& b) { return a.time < b.time; };
  const auto begin = pending_.begin() + static_cast<std::ptrdiff_t>(first);
  if (!std::is_sorted(begin, pending_.end(), by_time)) {
    std::stable_sort(begin, pending_.end(), by_time);  // ties keep their arrival order
  }
  if (first == 0 || begin == pending_.end() || !by_time(*begin, *(begin - 1))) return;
  // Merge the new rows into the tail of rows later than the first of them; earlier arrivals
  // come first among rows of one rowtime.
  const auto tail = std::upper_bound(pending_.begin(), begin, *begin, by_time);
  std::inplace_merge(tail, begin, pending_.end(), by_time);
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
  while (!pending_.empty() && pending_.front().time <= watermark) {
    const int64_t time = pending_.front().time;
    rows.clear();
    for (auto it = pending_.begin(); it != pending_.end() && it->time == time; ++it) {
      rows.push_back({BatchOf(it->chunk), it->row});
    }
    fn(time, rows);
    for (size_t i = 0; i < rows.size(); ++i) {
      Release(pending_.front().chunk);
      pending_.pop_front();
    }
  }
}

void EventTimeRowBuffer::SaveState(StateEncoder* out) const {
  out->PutI64(late_records_dropped_);
  int64_t times = 0;
  for (size_t i = 0; i < pending_.size(); ++i) {
    times += i == 0 || pending_[i].time != pending_[i - 1].time ? 1 : 0;
  }
  out->PutI64(times);
  for (size_t i = 0; i < pending_.size();) {
    size_t end = i;
    while (end < pending_.size() && pending_[end].time == pending_[i].time) ++end;
    out->PutI64(pending_[i].time);
    out->PutI64(static_cast<int64_t>(end - i));
    for (; i < end; ++i) {
      const Held& h = pending_[i];
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
    pending_.push_back({row_times[i], Retain(batch), static_cast<uint32_t>(i)});
  }
  Order(0);
  return Status::Ok();
}

size_t EventTimeRowBuffer::size() const { return pending_.size(); }

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
  // The part is assembled on the stack and appended at once: '\x02', the digit count (at most
  // 20, two digits), ':', the digits.
  char part[32];
  char* digits = part + 4;
  const size_t n =
      static_cast<size_t>(std::to_chars(digits, part + sizeof(part), value).ptr - digits);
  char* start = part + 1;  // a one-digit count
  if (n >= 10) {
    start = part;
    part[1] = static_cast<char>('0' + n / 10);
    part[2] = static_cast<char>('0' + n % 10);
  } else {
    part[2] = static_cast<char>('0' + n);
  }
  start[0] = '\x02';
  part[3] = ':';
  key->append(start, static_cast<size_t>(digits + n - start));
}

void EventTimeRowBuffer::AppendKeyPart(std::string_view text, std::string* key) {
  char head[24];
  head[0] = '\x02';
  char* end = std::to_chars(head + 1, head + sizeof(head) - 1, text.size()).ptr;
  *end++ = ':';
  key->append(head, static_cast<size_t>(end - head));
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
