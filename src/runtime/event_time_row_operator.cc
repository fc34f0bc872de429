#include "runtime/event_time_row_operator.h"

#include <limits>

namespace sluice::runtime {

Status EventTimeRowOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  return buffer_.Add(*batch, current_watermark_);
}

Status EventTimeRowOperator::AdvanceWatermark(Watermark watermark, size_t /*input*/) {
  const int64_t before = current_watermark_;
  if (watermark.value() > current_watermark_) {
    FireUpTo(watermark.value());
    current_watermark_ = watermark.value();
    AfterWatermark(current_watermark_);
  }
  RETURN_IF_ERROR(EmitOutput(before));
  return EmitWatermark(watermark);
}

Status EventTimeRowOperator::Finish() {
  const int64_t before = current_watermark_;
  FireUpTo(std::numeric_limits<int64_t>::max());
  RETURN_IF_ERROR(EmitOutput(before));
  return EmitFinish();
}

void EventTimeRowOperator::FireUpTo(int64_t watermark) {
  buffer_.TakeUpTo(watermark,
                   [this](int64_t time, const std::vector<Row>& rows) { FireRows(time, rows); });
}

void EventTimeRowOperator::AppendOutputRow(Row row, RowKind kind) {
  out_rows_.push_back(std::move(row));
  out_kinds_.push_back(kind);
  out_has_updates_ |= kind != RowKind::kInsert;
}

void EventTimeRowOperator::SaveBuffer(StateEncoder* out) const {
  out->PutI64(current_watermark_);
  buffer_.SaveState(out);
}

Status EventTimeRowOperator::RestoreBuffer(StateDecoder* in) {
  RETURN_IF_ERROR(in->GetI64(&current_watermark_));
  return buffer_.RestoreState(in);
}

Status EventTimeRowOperator::EmitOutput(int64_t row_watermark) {
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
