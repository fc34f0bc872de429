#pragma once

#include <cstdint>
#include <vector>

#include "common/event_time.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "types/column.h"

namespace sluice::runtime {

/// Computes one source's watermark exactly as DESIGN.md defines it: per split, the maximum of the
/// watermark expression over the records seen so far (event time minus the declared delay); the
/// source's watermark is the minimum over splits that are neither idle nor finished, and never
/// decreases. Used by the pipeline thread only.
class WatermarkTracker {
 public:
  /// Declares splits 0 .. n-1 (more may be added later by calling it again with a larger n).
  void SetSplitCount(size_t n);

  /// Feeds one batch of split `split`: `candidates` holds the watermark expression's value per row
  /// (NULL rows do not advance it). Writes, per row, the watermark in force just before that row
  /// into `row_watermarks`. A split marked idle becomes active again.
  void ObserveBatch(size_t split, const Column& candidates, std::vector<int64_t>* row_watermarks);

  /// Marks a split idle (no input for the idle timeout) or active; idle splits don't hold the
  /// watermark back.
  void SetIdle(size_t split, bool idle);
  /// Marks a split exhausted (bounded input): it no longer holds the watermark back.
  void SetFinished(size_t split);

  bool idle(size_t split) const { return splits_[split].idle; }
  /// Returns the source's current watermark (kMinWatermark until every active split has seen a
  /// record; kMaxWatermark once every split is finished).
  Watermark current() const { return Watermark(current_); }

  /// Appends every split's watermark, idle and finished flags and the current watermark.
  void SaveState(StateEncoder* out) const;
  /// Replaces the state with what SaveState wrote.
  Status RestoreState(StateDecoder* in);

 private:
  struct SplitState {
    int64_t watermark = kMinWatermark.value();
    bool idle = false;
    bool finished = false;
  };
  // Returns the minimum over contributing splits other than `except` (kMax if none).
  int64_t MinOverOthers(size_t except) const;
  void Recompute();

  std::vector<SplitState> splits_;
  int64_t current_ = kMinWatermark.value();
};

}  // namespace sluice::runtime
