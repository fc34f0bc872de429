#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/operator.h"
#include "runtime/window_assigner.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// The rows of a window TVF (kWindowTable), as Flink's windowing TVF returns them: each input
/// row once per window holding its rowtime (one for TUMBLE, size/slide for HOP, the windows of
/// its period ending after it for CUMULATE), with window_start, window_end and window_time
/// (= window_end - 1 ms) appended. Rows with a NULL rowtime belong to no window and are dropped.
/// Stateless: late rows are not judged here (the window join downstream does). Row watermarks
/// and watermarks pass through. Lifecycle as Operator; single-threaded.
class WindowTableOperator : public Operator {
 public:
  /// Returns the operator for `node` (a kWindowTable).
  static Result<std::unique_ptr<WindowTableOperator>> Create(const sql::PlanNode& node);

  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  Status Finish() override;
  std::string Describe() const override { return description_; }

 private:
  WindowTableOperator(const sql::PlanNode& node, WindowAssigner assigner);

  SchemaPtr schema_;
  WindowAssigner assigner_;
  std::string description_;
  std::vector<TimeWindow> windows_;  // scratch
};

}  // namespace sluice::runtime
