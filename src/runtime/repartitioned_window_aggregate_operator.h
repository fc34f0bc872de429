#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "expr/function_registry.h"
#include "runtime/batch_collector.h"
#include "runtime/operator.h"
#include "runtime/window_aggregate_operator.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// The window aggregation of job B of a repartitioned pipeline (src/runtime/README.md,
/// "Repartitioning"): its input is the internal topic, whose rows end with the columns job A
/// adds, `$watermark` (the input's WATERMARK expression evaluated on the row: its event time
/// minus the declared delay), `$partition` and `$offset` (where job A read the row).
///
/// State is owned by internal split (source, split), so that what a split produces is a function
/// of that split's rows in their order, whichever process wrote or reads them:
///   - deduplication by input identity: per split and input partition p the highest input offset
///     accepted; a row whose offset is not above it is a repeat (a re-produced range, an aborted
///     transaction the broker shows) and is dropped;
///   - watermark per split: W[p] = the maximum `$watermark` over accepted rows from p, and the
///     split's watermark is min over p in [0, P) of W[p] (P: job A's input partitions, see
///     set_input_partitions), never decreasing; each accepted row is judged with the split's
///     watermark in force just before it, so the result does not depend on how rows are
///     chunked into batches;
///   - one WindowAggregateOperator per split, firing on that watermark; at each epoch end
///     (FlushEpoch) every split fires up to its watermark and what it fired during the epoch
///     leaves as one batch, split after split in split order.
/// Watermark advances from the scan are ignored (they mix the splits); at Finish every window
/// fires. Lifecycle as Operator, plus set_split before each batch and FlushEpoch at each epoch
/// end; single-threaded (the pipeline thread).
class RepartitionedWindowAggregateOperator : public Operator {
 public:
  /// Returns true when `node` (kWindowAggregate) reads an internal repartition topic: its input
  /// ends with `$watermark`, `$partition` and `$offset`.
  static bool Applies(const sql::PlanNode& node);
  /// Builds the operator for `node` (Applies, not SESSION).
  static Result<std::unique_ptr<RepartitionedWindowAggregateOperator>> Create(
      const sql::PlanNode& node, const expr::FunctionRegistry& registry,
      int64_t allowed_lateness_ms);

  /// Identifies an internal split: (source, split).
  using SplitKey = std::pair<size_t, int64_t>;

  /// Makes the next batches belong to split `split` of source `source`.
  void set_split(size_t source, int64_t split) { split_ = {source, split}; }
  /// Sets P, the number of input partitions of job A (each split's watermark waits for all of
  /// them). Rows naming a partition at or above P raise it.
  void set_input_partitions(size_t partitions);

  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  /// Fires every window of every split, emits them split after split, then forwards Finish.
  Status Finish() override;
  std::string Describe() const override;
  /// Saves / restores per split the offsets, watermarks and the window state.
  Status SaveState(StateEncoder* out) const override;
  Status RestoreState(StateDecoder* in) override;
  std::optional<OperatorStats> stats() const override;
  size_t StateBytes() const override;

  /// Fires every split up to its watermark and emits what each fired since the last call, one
  /// batch per split, in split order; a split `keep` refuses emits nothing and is dropped (its
  /// rows were not recorded: its next owner reads them again).
  Status FlushEpoch(const std::function<bool(const SplitKey&)>& keep);

  /// Appends split `split`'s state (offsets and watermarks per input partition, window state) to
  /// `out`; a split without state writes an empty one. Another process restores it with
  /// RestoreSplit when the split moves to it (README, "Repartitioning").
  Status SaveSplit(const SplitKey& split, StateEncoder* out) const;
  /// Replaces split `split`'s state by what SaveSplit wrote.
  Status RestoreSplit(const SplitKey& split, StateDecoder* in);
  /// Forgets split `split` (it belongs to another process now), with what it fired and not
  /// emitted yet.
  void DropSplit(const SplitKey& split) { splits_.erase(split); }

  /// Returns the number of rows dropped as repeats of an input offset already accepted.
  int64_t repeats_dropped() const { return repeats_dropped_; }
  /// Returns split `split`'s watermark (kMinWatermark when it has none yet).
  int64_t split_watermark(const SplitKey& split) const;

 private:
  struct SplitState {
    std::unique_ptr<WindowAggregateOperator> windows;
    std::unique_ptr<BatchCollector> out;
    std::vector<int64_t> max_offset;  // per input partition; -1: none accepted
    std::vector<int64_t> watermark;   // per input partition: max `$watermark` accepted
    int64_t current = 0;              // min over input partitions, never decreasing
  };

  RepartitionedWindowAggregateOperator(sql::PlanNode node, const expr::FunctionRegistry& registry,
                                       int64_t allowed_lateness_ms);
  Result<SplitState*> Split(const SplitKey& key);
  void Grow(SplitState* state, size_t partitions) const;
  // Accepts row `row`: returns false for a repeat; else records it and updates the watermark.
  bool Accept(SplitState* state, int64_t partition, int64_t offset, const Column& watermark,
              size_t row);
  Status EmitSplit(SplitState* state);
  // Writes / reads one split's state after its key (the layout SaveState repeats per split).
  Status SaveSplitState(const SplitState& state, StateEncoder* out) const;
  Status RestoreSplitState(const SplitKey& key, StateDecoder* in);

  sql::PlanNode node_;                      // a copy: the plan need not outlive the operator
  const expr::FunctionRegistry& registry_;  // outlives the pipeline (the CLI's)
  int64_t allowed_lateness_ms_;
  size_t watermark_column_ = 0, partition_column_ = 0, offset_column_ = 0;
  std::string description_;
  size_t partitions_ = 1;
  SplitKey split_{0, 0};
  std::map<SplitKey, SplitState> splits_;
  int64_t repeats_dropped_ = 0;
};

}  // namespace sluice::runtime
