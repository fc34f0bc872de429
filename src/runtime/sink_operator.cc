#include "runtime/sink_operator.h"

#include "common/crash_point.h"
#include "runtime/memory_footprint.h"

namespace sluice::runtime {

Status SinkOperator::Process(const BatchPtr& batch, size_t /*input*/) {
  if (batch->num_rows == 0) return Status::Ok();
  pending_bytes_ += MemoryFootprint::OfBatch(*batch);
  pending_.push_back(batch);
  return Status::Ok();
}

Status SinkOperator::AdvanceWatermark(Watermark /*watermark*/, size_t /*input*/) {
  return Status::Ok();
}

Status SinkOperator::WriteEpoch(EpochId epoch) {
  int block = 0;
  for (const auto& batch : pending_) {
    RETURN_IF_ERROR(writer_->Write(epoch, block++, *batch));
    rows_handed_ += static_cast<int64_t>(batch->num_rows);
    CrashPoint("sink-block-written");
  }
  pending_.clear();
  pending_bytes_ = 0;
  return writer_->FlushEpoch(epoch);
}

Status SinkOperator::CommitEpoch(EpochId epoch) {
  RETURN_IF_ERROR(writer_->CommitEpoch(epoch));
  rows_written_ = rows_handed_;
  return Status::Ok();
}

}  // namespace sluice::runtime
