#include "runtime/event_time_row_operator.h"

#include <limits>

namespace sluice::runtime {

namespace {

// The types of the first `n` columns of `schema` (an event-time operator's output starts with
// its input's columns).
std::vector<LogicalType> LeadingTypes(const Schema& schema, size_t n) {
  std::vector<LogicalType> types;
  for (size_t c = 0; c < n; ++c) types.push_back(schema.field(c).type);
  return types;
}

}  // namespace

EventTimeRowOperator::EventTimeRowOperator(SchemaPtr schema, size_t time_column,
                                           size_t input_columns)
    : schema_(std::move(schema)), buffer_(time_column, LeadingTypes(*schema_, input_columns)) {}

Status EventTimeRowOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  return buffer_.Add(batch, current_watermark_);
}

Status EventTimeRowOperator::AdvanceWatermark(Watermark watermark, size_t /*input*/) {
  const int64_t before = current_watermark_;
  if (watermark.value() > current_watermark_) {
    RETURN_IF_ERROR(FireUpTo(watermark.value()));
    current_watermark_ = watermark.value();
    AfterWatermark(current_watermark_);
  }
  RETURN_IF_ERROR(EmitOutput(before));
  return EmitWatermark(watermark);
}

Status EventTimeRowOperator::Finish() {
  const int64_t before = current_watermark_;
  RETURN_IF_ERROR(FireUpTo(std::numeric_limits<int64_t>::max()));
  RETURN_IF_ERROR(EmitOutput(before));
  return EmitFinish();
}

Status EventTimeRowOperator::FireUpTo(int64_t watermark) {
  // Output goes out in batches of about kOutputBatchRows rows, not as one batch of everything
  // the watermark released (growing one batch to millions of rows copies it over and over).
  Status status;
  buffer_.TakeUpTo(watermark, [&](int64_t time, const std::vector<BufferedRow>& rows) {
    FireRows(time, rows);
    if (status.ok() && out_count_ >= kOutputBatchRows) status = EmitOutput(current_watermark_);
  });
  return status;
}

std::vector<EventTimeRowOperator::Row> EventTimeRowOperator::ToRows(
    const std::vector<BufferedRow>& rows) const {
  std::vector<Row> values;
  values.reserve(rows.size());
  for (const BufferedRow& row : rows) values.push_back(row.ToValues(input_columns()));
  return values;
}

void EventTimeRowOperator::StartOutputRow(RowKind kind) {
  if (out_columns_.empty()) {
    for (size_t c = 0; c < schema_->size(); ++c) {
      out_columns_.push_back(std::make_shared<Column>(schema_->field(c).type));
    }
  }
  ++out_count_;
  out_kinds_.push_back(kind);
  out_has_updates_ |= kind != RowKind::kInsert;
}

void EventTimeRowOperator::AppendOutputRow(const Row& row, RowKind kind) {
  StartOutputRow(kind);
  for (size_t c = 0; c < out_columns_.size(); ++c) row[c].AppendTo(out_columns_[c].get());
}

void EventTimeRowOperator::AppendOutputRow(const Row& row, const Value& last, RowKind kind) {
  StartOutputRow(kind);
  const size_t n = out_columns_.size() - 1;
  for (size_t c = 0; c < n; ++c) row[c].AppendTo(out_columns_[c].get());
  last.AppendTo(out_columns_[n].get());
}

void EventTimeRowOperator::SaveBuffer(StateEncoder* out) const {
  out->PutI64(current_watermark_);
  buffer_.SaveState(out);
}

Status EventTimeRowOperator::RestoreBuffer(StateDecoder* in) {
  RETURN_IF_ERROR(in->GetI64(&current_watermark_));
  return buffer_.RestoreState(in);
}

void EventTimeRowOperator::AppendOutputRow(const BufferedRow& row, const Value& last,
                                           RowKind kind) {
  AppendOutputRow(row, std::span<const Value>(&last, 1), kind);
}

void EventTimeRowOperator::AppendOutputRow(const BufferedRow& row, std::span<const Value> tail,
                                           RowKind kind) {
  StartOutputRow(kind);
  const size_t n = out_columns_.size() - tail.size();
  // Buffered batches live until FireUpTo ends and the output is emitted before the next one, so
  // a batch address seen again within one output is the same batch.
  if (row.batch != out_shares_) {
    for (size_t c = 0; c < n; ++c) out_columns_[c]->ShareArenasOf(row.column(c));
    out_shares_ = row.batch;
  }
  for (size_t c = 0; c < n; ++c) out_columns_[c]->AppendFrom(row.column(c), row.row);
  for (size_t c = 0; c < tail.size(); ++c) tail[c].AppendTo(out_columns_[n + c].get());
}

Status EventTimeRowOperator::EmitOutput(int64_t row_watermark) {
  if (out_count_ == 0) return Status::Ok();
  auto batch = std::make_shared<Batch>();
  batch->schema = schema_;
  batch->num_rows = out_count_;
  batch->columns.assign(out_columns_.begin(), out_columns_.end());
  batch->row_watermarks.assign(out_count_, row_watermark);
  if (out_has_updates_) batch->row_kinds = std::move(out_kinds_);
  out_columns_.clear();
  out_shares_ = nullptr;
  out_count_ = 0;
  out_kinds_.clear();
  out_has_updates_ = false;
  return Emit(batch);
}

}  // namespace sluice::runtime
