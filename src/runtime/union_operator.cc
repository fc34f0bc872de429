#include "runtime/union_operator.h"

#include <fmt/format.h>

#include <algorithm>

namespace sluice::runtime {

UnionOperator::UnionOperator(size_t num_inputs) : input_watermarks_(num_inputs, kMinWatermark) {}

Status UnionOperator::Process(const BatchPtr& batch, size_t input) {
  if (input >= input_watermarks_.size()) {
    return Status::Internal(fmt::format("union has no input {}", input));
  }
  if (batch->row_watermarks.empty() || input_watermarks_.size() == 1) return Emit(batch);
  int64_t others = kMaxWatermark.value();
  for (size_t i = 0; i < input_watermarks_.size(); ++i) {
    if (i != input) others = std::min(others, input_watermarks_[i].value());
  }
  bool changes = false;
  for (int64_t wm : batch->row_watermarks) changes |= wm > others;
  if (!changes) return Emit(batch);
  auto out = std::make_shared<Batch>(*batch);  // shares the columns
  for (int64_t& wm : out->row_watermarks) wm = std::min(wm, others);
  return Emit(out);
}

Status UnionOperator::AdvanceWatermark(Watermark watermark, size_t input) {
  if (input >= input_watermarks_.size()) {
    return Status::Internal(fmt::format("union has no input {}", input));
  }
  input_watermarks_[input] = std::max(input_watermarks_[input], watermark);
  const Watermark low = *std::min_element(input_watermarks_.begin(), input_watermarks_.end());
  if (low <= output_watermark_) return Status::Ok();
  output_watermark_ = low;
  return EmitWatermark(low);
}

Status UnionOperator::Finish() {
  if (++finished_inputs_ < input_watermarks_.size()) return Status::Ok();
  return EmitFinish();
}

std::string UnionOperator::Describe() const {
  return fmt::format("Union[inputs={}]", input_watermarks_.size());
}

Status UnionOperator::SaveState(StateEncoder* out) const {
  out->PutI64(static_cast<int64_t>(input_watermarks_.size()));
  for (Watermark wm : input_watermarks_) out->PutI64(wm.value());
  out->PutI64(output_watermark_.value());
  out->PutI64(static_cast<int64_t>(finished_inputs_));
  return Status::Ok();
}

Status UnionOperator::RestoreState(StateDecoder* in) {
  int64_t n = 0;
  RETURN_IF_ERROR(in->GetI64(&n));
  if (n != static_cast<int64_t>(input_watermarks_.size())) return in->Corrupt("union inputs");
  for (auto& wm : input_watermarks_) {
    int64_t v = 0;
    RETURN_IF_ERROR(in->GetI64(&v));
    wm = Watermark(v);
  }
  int64_t output = 0, finished = 0;
  RETURN_IF_ERROR(in->GetI64(&output));
  RETURN_IF_ERROR(in->GetI64(&finished));
  output_watermark_ = Watermark(output);
  finished_inputs_ = static_cast<size_t>(finished);
  return Status::Ok();
}

}  // namespace sluice::runtime
