#include "runtime/watermark_tracker.h"

#include <algorithm>

namespace sluice::runtime {

void WatermarkTracker::SetSplitCount(size_t n) {
  if (n > splits_.size()) splits_.resize(n);
}

int64_t WatermarkTracker::MinOverOthers(size_t except) const {
  int64_t m = kMaxWatermark.value();
  for (size_t i = 0; i < splits_.size(); ++i) {
    if (i == except || splits_[i].idle || splits_[i].finished) continue;
    m = std::min(m, splits_[i].watermark);
  }
  return m;
}

void WatermarkTracker::Recompute() {
  bool any_contributing = false;
  for (const auto& s : splits_) any_contributing |= !s.idle && !s.finished;
  bool all_finished = !splits_.empty();
  for (const auto& s : splits_) all_finished &= s.finished;
  if (all_finished) {
    current_ = kMaxWatermark.value();
    return;
  }
  // With every split idle the watermark holds where it is.
  if (!any_contributing) return;
  current_ = std::max(current_, MinOverOthers(splits_.size()));
}

void WatermarkTracker::ObserveBatch(size_t split, const Column& candidates,
                                    std::vector<int64_t>* row_watermarks) {
  SetSplitCount(split + 1);
  SplitState& s = splits_[split];
  s.idle = false;
  const int64_t others = MinOverOthers(split);
  const size_t n = candidates.size();
  row_watermarks->resize(n);
  const int64_t* values = candidates.ints().data();
  int64_t split_wm = s.watermark;
  int64_t current = current_;
  for (size_t i = 0; i < n; ++i) {
    current = std::max(current, std::min(others, split_wm));
    (*row_watermarks)[i] = current;
    if (!candidates.IsNull(i)) split_wm = std::max(split_wm, values[i]);
  }
  s.watermark = split_wm;
  Recompute();
}

void WatermarkTracker::SetIdle(size_t split, bool idle) {
  SetSplitCount(split + 1);
  splits_[split].idle = idle;
  Recompute();
}

void WatermarkTracker::SetFinished(size_t split) {
  SetSplitCount(split + 1);
  splits_[split].finished = true;
  Recompute();
}

void WatermarkTracker::SaveState(StateEncoder* out) const {
  out->PutI64(static_cast<int64_t>(splits_.size()));
  for (const auto& s : splits_) {
    out->PutI64(s.watermark);
    out->PutU8(static_cast<uint8_t>((s.idle ? 1 : 0) | (s.finished ? 2 : 0)));
  }
  out->PutI64(current_);
}

Status WatermarkTracker::RestoreState(StateDecoder* in) {
  int64_t n = 0;
  RETURN_IF_ERROR(in->GetI64(&n));
  if (n < 0 || n > (1 << 20)) return in->Corrupt("bad split count");
  splits_.assign(static_cast<size_t>(n), SplitState{});
  for (auto& s : splits_) {
    uint8_t flags = 0;
    RETURN_IF_ERROR(in->GetI64(&s.watermark));
    RETURN_IF_ERROR(in->GetU8(&flags));
    s.idle = (flags & 1) != 0;
    s.finished = (flags & 2) != 0;
  }
  return in->GetI64(&current_);
}

}  // namespace sluice::runtime
