#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/join_operator.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// Flink's window join (kWindowJoin): both inputs are the rows of the same window TVF; rows of
/// the same window (window_start, window_end) with equal, non-NULL keys match.
/// - Rows are held per window and key. A row whose window_end is at or before the join watermark
///   in force when it arrives is late: dropped and counted (`late_records_dropped`).
/// - When the join watermark reaches a window's end, the window fires, windows in order of end:
///   per key in order of first appearance every left row with every right row (left rows
///   outer, right rows inner, in arrival order), then for outer sides each unmatched key's rows
///   padded with NULLs, then the NULL-key rows of outer sides padded; the window's state is
///   dropped. Inner joins drop NULL-key rows on arrival.
/// - Emitted rows carry the watermark in force before the firing; the watermark is forwarded
///   unchanged, so window_time (end - 1) stays a rowtime attribute downstream.
/// Lifecycle as Operator; single-threaded.
class WindowJoinOperator : public JoinOperator {
 public:
  /// Returns the operator for `node` (a kWindowJoin).
  static Result<std::unique_ptr<WindowJoinOperator>> Create(const sql::PlanNode& node);

  Status SaveState(StateEncoder* out) const override;
  Status RestoreState(StateDecoder* in) override;

  /// Returns the number of rows dropped as late (both sides).
  int64_t late_records_dropped() const { return late_records_dropped_; }
  /// Returns the number of windows held.
  size_t num_windows() const { return windows_.size(); }
  std::optional<OperatorStats> stats() const override;
  /// Returns the bytes of the rows held in open windows and their keys.
  size_t StateBytes() const override { return bytes_; }

 protected:
  void ProcessRow(size_t side, Row row, int64_t watermark) override;
  void OnWatermark(int64_t watermark) override;

 private:
  struct KeyRows {
    std::string key;
    std::array<std::vector<Row>, 2> rows;
  };
  struct Window {
    std::unordered_map<std::string, size_t> index;  // key -> position in `keys`
    std::vector<KeyRows> keys;                      // first appearance order
    std::array<std::vector<Row>, 2> null_keys;      // rows of outer sides with a NULL key
    size_t bytes = 0;                               // MemoryFootprint of the rows and keys
  };
  using WindowId = std::pair<int64_t, int64_t>;  // (end, start)

  explicit WindowJoinOperator(const sql::PlanNode& node);
  void Fire(const Window& window);

  std::array<size_t, 2> start_columns_;
  std::array<size_t, 2> end_columns_;
  std::map<WindowId, Window> windows_;
  int64_t late_records_dropped_ = 0;
  size_t bytes_ = 0;  // the sum of the windows' bytes
};

}  // namespace sluice::runtime
