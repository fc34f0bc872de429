#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "expr/function_registry.h"
#include "runtime/batch_collector.h"
#include "runtime/operator.h"
#include "runtime/window_aggregate_operator.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// The window aggregation of a job whose sink takes partial aggregates ('sink.aggregation' =
/// 'partial'; src/runtime/README.md, "Partial aggregation across processes"). It holds nothing
/// across epochs: each input split (source, split) gets its own WindowAggregateOperator for the
/// current epoch, fed the split's rows without their row watermarks, so no row is ever late; at
/// the end of the epoch (FlushEpoch) every window of every split fires, split after split in
/// split order, and each split's rows leave as one batch. A split's output is therefore a pure
/// function of the records it read in the epoch (its offset range), whichever process read them.
/// Watermark advances are not forwarded: windows close at epoch ends only.
///
/// Lifecycle as Operator, plus set_split before each batch and FlushEpoch at each epoch end;
/// single-threaded (the pipeline thread).
class PartialWindowAggregateOperator : public Operator {
 public:
  /// Builds the operator for `node` (kWindowAggregate, not SESSION).
  static Result<std::unique_ptr<PartialWindowAggregateOperator>> Create(
      const sql::PlanNode& node, const expr::FunctionRegistry& registry);

  /// Identifies the records of one assignment of a split: (source, split, generation).
  using SplitKey = std::tuple<size_t, int64_t, int64_t>;

  /// Makes the next batches belong to split `split` of source `source` as assigned for the
  /// `generation`-th time (SourceReader::split_generation): a split taken away and given back
  /// within an epoch starts over from its group offsets, so its earlier rows are not merged in.
  void set_split(size_t source, int64_t split, int64_t generation) {
    split_ = {source, split, generation};
  }

  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  /// Flushes every split (FlushEpoch keeping all), then forwards Finish.
  Status Finish() override;
  std::string Describe() const override;

  /// Emits the partial aggregates of every split `keep` accepts, one batch per split in split
  /// order, drops the others', and forgets every split.
  Status FlushEpoch(const std::function<bool(const SplitKey&)>& keep);

 private:
  struct SplitState {
    std::unique_ptr<WindowAggregateOperator> windows;
    std::unique_ptr<BatchCollector> out;
  };

  PartialWindowAggregateOperator(sql::PlanNode node, const expr::FunctionRegistry& registry)
      : node_(std::move(node)), registry_(registry) {}
  Result<SplitState*> Current();

  sql::PlanNode node_;                      // a copy: the plan need not outlive the operator
  const expr::FunctionRegistry& registry_;  // outlives the pipeline (the CLI's)
  std::string description_;
  SplitKey split_{0, 0, 0};
  std::map<SplitKey, SplitState> splits_;
};

}  // namespace sluice::runtime
