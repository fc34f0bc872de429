#pragma once

#include <utility>
#include <vector>

#include "runtime/operator.h"

namespace sluice::runtime {

/// The downstream end of an operator that another operator drives (one window aggregation per
/// split): keeps the non-empty batches it receives until Take, ignores watermarks and Finish.
/// Single-threaded (the pipeline thread).
class BatchCollector : public Operator {
 public:
  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark, size_t) override { return Status::Ok(); }
  Status Finish() override { return Status::Ok(); }
  std::string Describe() const override { return "BatchCollector"; }

  /// Returns the batches received since the last Take, in order.
  std::vector<BatchPtr> Take() { return std::exchange(batches_, {}); }
  /// Returns `batches` as one batch (their rows and row watermarks in order), or null when they
  /// hold no row.
  static BatchPtr Concatenate(const std::vector<BatchPtr>& batches);

 private:
  std::vector<BatchPtr> batches_;
};

}  // namespace sluice::runtime
