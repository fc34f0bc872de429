#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/event_time_row_operator.h"
#include "runtime/key_expiry_queue.h"
#include "runtime/over_accumulator.h"
#include "sql/logical_plan.h"
#include "types/value.h"

namespace sluice::runtime {

/// Runs an OVER aggregation over event time (a kOverAggregate plan node) as Flink does: each
/// row is buffered until the watermark passes its rowtime, then rows are processed in rowtime
/// order (ties in arrival order, across partitions) and each is emitted with the results of
/// the calls over its frame, in the partition of its PARTITION BY key (NULLs are one key):
/// - ROWS n PRECEDING: the row and the n rows before it;
/// - RANGE d PRECEDING: the rows with rowtime in [t - d, t]; rows with the same rowtime are
///   peers and share their results, computed after all of them are added;
/// - UNBOUNDED PRECEDING: every earlier row (running accumulators);
/// - LAG(x, n, default) is the x of the row n rows before in the partition, whatever the frame.
///
/// A row whose rowtime is at or before the watermark in force when it arrives
/// (Batch::row_watermarks, or the operator's watermark) is late: dropped and counted. State per
/// key holds the rows of its frame (and the last n rows for LAG); keys of a bounded RANGE
/// window without LAG are dropped once the watermark has passed their frame. With a state TTL
/// (`'table.exec.state.ttl'`, measured in event time) a key whose newest row is at t is dropped
/// once the watermark reaches t + ttl, and a row with rowtime > t + ttl starts the key afresh
/// (whatever the batching: rows check their key's expiry at their own rowtime). Output rows carry
/// the watermark in force before their firing as row watermark. The state is plain containers of
/// Values (serialisable). Lifecycle as Operator; single-threaded; insert-only input and output.
class OverAggregateOperator : public EventTimeRowOperator {
 public:
  /// Builds the operator for `node` (kOverAggregate without ROW_NUMBER); `state_ttl_ms` > 0
  /// expires idle keys.
  static Result<std::unique_ptr<OverAggregateOperator>> Create(const sql::PlanNode& node,
                                                               int64_t state_ttl_ms = 0);

  /// Writes the watermark, the buffered rows and every key's frame, accumulators, LAG history
  /// and the expiry queue.
  Status SaveState(StateEncoder* out) const override;
  Status RestoreState(StateDecoder* in) override;

  /// Returns the number of partition keys holding state.
  size_t num_keys() const { return keys_.size(); }
  std::optional<OperatorStats> stats() const override {
    return OperatorStats{static_cast<int64_t>(keys_.size()), late_records_dropped(), 0};
  }
  /// Returns the number of keys whose state was dropped: idle past the state TTL or, for a
  /// RANGE frame without LAG, past their frame. Restored with the state.
  int64_t keys_expired() const { return expiry_.expired_count(); }

 private:
  /// A processed row as its key's frame keeps it: rowtime and, per call that needs row values
  /// (its slot), the argument (nullopt when the call's FILTER rejected the row). LAG and an
  /// unfiltered COUNT(*) need none.
  struct FrameRow {
    int64_t time = 0;
    std::vector<std::optional<Value>> args;
  };
  struct KeyState {
    std::vector<FrameRow> frame;                  // bounded frames, oldest first
    std::vector<OverAccumulator> running;         // unbounded frames
    std::vector<std::vector<Value>> lag_history;  // per earlier row, the LAG arguments; newest last
  };

  OverAggregateOperator(const sql::PlanNode& node, std::vector<LogicalType> arg_types,
                        int64_t state_ttl_ms);

  FrameRow FrameRowOf(const Row& row) const;
  /// Returns the state of `key` for a row at `time`, creating it (afresh when it expired).
  KeyState& StateOf(const std::string& key, int64_t time);
  /// Returns the state of `key`, creating an empty one.
  KeyState& NewState(const std::string& key);
  void FireRows(int64_t time, const std::vector<BufferedRow>& buffered) override;
  void AfterWatermark(int64_t watermark) override { ExpireKeys(watermark); }
  /// Adds `row` to the key's frame, evicting rows that left it.
  void AddToFrame(KeyState& state, FrameRow row);
  std::vector<Value> Results(KeyState& state);
  /// Appends the output row of `row` (its columns, then the call results; LAG values from the
  /// key's history, which the row then joins).
  void AppendOutput(const Row& row, const std::vector<Value>& results, KeyState& state);
  void ExpireKeys(int64_t watermark);

  sql::OverSpec spec_;
  std::vector<LogicalType> arg_types_;        // per call
  std::vector<std::optional<size_t>> slots_;  // per call: its index in FrameRow::args
  size_t num_slots_ = 0;
  size_t lag_depth_ = 0;  // largest LAG offset
  bool has_lag_ = false;

  std::unordered_map<std::string, KeyState> keys_;
  // Horizon: the state TTL and, for a bounded RANGE without LAG, the frame (the smaller).
  KeyExpiryQueue<std::string> expiry_;
};

}  // namespace sluice::runtime
