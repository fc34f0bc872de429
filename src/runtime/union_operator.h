#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/operator.h"

namespace sluice::runtime {

/// UNION ALL of n inputs with equal schemas: forwards every batch as it arrives. Its watermark is
/// the minimum of its inputs' watermarks, forwarded whenever that minimum advances. Forwarded
/// rows' row watermarks become min(row watermark, every other input's current watermark), the
/// union's watermark in force at that row. Finish is forwarded once every input has finished
/// (Finish called once per input). Lifecycle as Operator; single-threaded.
class UnionOperator : public Operator {
 public:
  explicit UnionOperator(size_t num_inputs);

  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  Status Finish() override;
  std::string Describe() const override;
  Status SaveState(StateEncoder* out) const override;
  Status RestoreState(StateDecoder* in) override;

  /// Returns the union's output watermark (the minimum over inputs).
  Watermark watermark() const { return output_watermark_; }

 private:
  std::vector<Watermark> input_watermarks_;
  Watermark output_watermark_ = kMinWatermark;
  size_t finished_inputs_ = 0;
};

}  // namespace sluice::runtime
