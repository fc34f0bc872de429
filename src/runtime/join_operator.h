#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/operator.h"
#include "sql/logical_plan.h"
#include "types/value.h"

namespace sluice::runtime {

/// The common life of the two-input event-time joins (interval join, window join): input 0 is
/// the left side, input 1 the right. The join's watermark is the minimum of its inputs'; before
/// each row it is advanced to the watermark in force at that row (the row's own watermark,
/// capped by the other input's), so a batch gives the same result as record-at-a-time input.
/// Output rows (left columns, then right columns; NULLs for a missing side) are emitted at the
/// end of each Process / AdvanceWatermark call with the output watermark in force before them
/// as row watermark; the output watermark is the join's watermark minus `watermark_delay_ms`.
/// Finish fires everything once both inputs finished. Lifecycle as Operator; single-threaded.
class JoinOperator : public Operator {
 public:
  using Row = std::vector<Value>;

  Status Process(const BatchPtr& batch, size_t input) final;
  Status AdvanceWatermark(Watermark watermark, size_t input) final;
  Status Finish() final;
  std::string Describe() const override { return description_; }

 protected:
  /// `name` starts the description ("IntervalJoin", "WindowJoin").
  JoinOperator(const sql::PlanNode& node, int64_t watermark_delay_ms, const std::string& name);

  /// Processes row `row` of input `side` (0 left, 1 right) at the join watermark `watermark`.
  virtual void ProcessRow(size_t side, Row row, int64_t watermark) = 0;
  /// Called when the join watermark advances to `watermark` (kMaxWatermark at Finish), before
  /// it is in force: emits what it completes and drops expired state.
  virtual void OnWatermark(int64_t watermark) = 0;

  /// Returns the key of `row` of input `side` (the spec's key columns), or nullopt when a key
  /// column is NULL (such rows never match).
  std::optional<std::string> KeyOf(size_t side, const Row& row) const;
  /// Appends an output row joining `left` and `right`; either may be null (padded with NULLs).
  void AppendJoined(const Row* left, const Row* right);
  /// Appends `row` of input `side` padded with NULLs for the other side.
  void AppendPadded(size_t side, const Row& row);

  /// Writes and reads the watermarks and the finished count (the start of SaveState).
  void SaveBase(StateEncoder* out) const;
  Status RestoreBase(StateDecoder* in);

  const sql::JoinSpec spec_;
  std::string description_;

 private:
  void AdvanceTo(int64_t watermark);
  Status EmitOutput();
  int64_t OutputWatermark(int64_t watermark) const;

  SchemaPtr schema_;
  std::array<size_t, 2> widths_;
  int64_t watermark_delay_ms_;
  std::array<int64_t, 2> input_watermarks_;
  int64_t watermark_;          // the join's: min over inputs (as far as applied)
  int64_t emitted_watermark_;  // the last output watermark forwarded
  size_t finished_inputs_ = 0;
  std::vector<Row> out_rows_;
  std::vector<int64_t> out_watermarks_;
};

}  // namespace sluice::runtime
