#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/event_time_row_operator.h"
#include "runtime/fifo_expiry_queue.h"
#include "runtime/key_id_table.h"
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
/// the watermark in force before their firing as row watermark. Keys are interned to dense ids
/// (a KeyIdTable; their state in a vector, a freed id reused by the next new key; a key of one
/// integer column is kept as its value, others as their encoded text, in the state), expiry
/// deadlines go through a FifoExpiryQueue (rows fire in rowtime order) with each key's newest
/// access in its state, rows are read from the buffered input batches and output columns are
/// appended from them; frames and LAG history keep Values (serialisable). Lifecycle as
/// Operator; single-threaded; insert-only input and output.
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
  size_t num_keys() const { return ids_.size() - num_dormant_; }
  std::optional<OperatorStats> stats() const override {
    return OperatorStats{static_cast<int64_t>(num_keys()), late_records_dropped(), 0};
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
  /// A key's state. The fields a row's lookup and its frame use come first, in the first cache
  /// line of the state.
  struct alignas(64) KeyState {
    int64_t last_access = FifoExpiryQueue::kUntracked;  // newest access (expiry_)
    int64_t int_key = 0;          // the key's value, when the key is one integer column
    uint32_t tag = 0;             // the key's tag in ids_
    bool null_key = false;        // the one integer column is NULL
    bool interned = false;        // holds a key (in ids_), live or dormant; else its id is free
    bool dormant = false;         // dropped (no state), its key and id kept for its return
    std::vector<FrameRow> frame;  // bounded frames, oldest first
    std::string key;              // the encoded partition key, other keys
    std::vector<OverAccumulator> running;         // unbounded frames
    std::vector<std::vector<Value>> lag_history;  // per earlier row, the LAG arguments; newest last
  };
  /// A partition key to look up: its tag and either the integer column's value (`null`, `value`)
  /// or the encoded text.
  struct KeyProbe {
    uint32_t tag = 0;
    bool null = false;
    int64_t value = 0;
    std::string_view text;
  };

  OverAggregateOperator(const sql::PlanNode& node, std::vector<LogicalType> arg_types,
                        int64_t state_ttl_ms);

  FrameRow FrameRowOf(const BufferedRow& row, int64_t time) const;
  /// Returns the id of the state of `row`'s key for a row at `time`, creating it (afresh when
  /// it expired).
  uint32_t StateOf(const BufferedRow& row, int64_t time);
  /// Returns the probe of `row`'s key (its text in key_).
  KeyProbe ProbeOf(const BufferedRow& row);
  /// Sets `probe` to the key whose encoded text is `text` (saved state); false when `text` is
  /// not the text of a key of this operator's kind.
  bool ProbeOfText(std::string_view text, KeyProbe* probe) const;
  /// Returns the id of the key of `probe`, or KeyIdTable::kNone.
  uint32_t Find(const KeyProbe& probe) const;
  /// Writes the encoded text of the key of `id`.
  void PutKey(uint32_t id, StateEncoder* out) const;
  /// Returns the id of a new, empty state for the key of `probe` (not held yet).
  uint32_t NewState(const KeyProbe& probe);
  /// Empties the state of `id`, keeping the key.
  void ClearState(uint32_t id);
  /// Drops the state of `id`, whose key stays interned (dormant) for its return, as long as the
  /// dormant keys are fewer than the others (or kMinDormant).
  void DropState(uint32_t id);
  /// Forgets the dormant keys and frees their ids.
  void ForgetDormantKeys();
  void FireRows(int64_t time, const std::vector<BufferedRow>& buffered) override;
  void AfterWatermark(int64_t watermark) override { ExpireKeys(watermark); }
  /// Adds `row` to the key's frame, evicting rows that left it.
  void AddToFrame(KeyState& state, FrameRow row);
  /// Sets `out` to the results of the calls over the key's frame (LAG: NULL, set per row).
  void Results(const KeyState& state, std::vector<Value>* out) const;
  /// Appends the output row of `row` (its columns, then the call results; LAG values from the
  /// key's history, which the row then joins).
  void AppendOutput(const BufferedRow& row, const std::vector<Value>& results, KeyState& state);
  void ExpireKeys(int64_t watermark);

  sql::OverSpec spec_;
  std::vector<LogicalType> arg_types_;        // per call
  std::vector<std::optional<size_t>> slots_;  // per call: its index in FrameRow::args
  std::vector<bool> is_lag_;                  // per call: whether it is LAG
  size_t num_slots_ = 0;
  size_t lag_depth_ = 0;  // largest LAG offset
  bool has_lag_ = false;

  std::optional<size_t> int_key_column_;  // the PARTITION BY key when it is one integer column
  KeyIdTable ids_;                        // key -> state
  std::vector<KeyState> states_;          // by id
  std::vector<uint32_t> free_ids_;        // ids of forgotten keys, for the next new keys
  size_t num_dormant_ = 0;
  // Dormant keys kept at least: a key whose frame expired between its rows (a user ordering every
  // 90 s, a one-minute frame) comes back to its id without a map insert.
  static constexpr size_t kMinDormant = 4096;
  // Horizon: the state TTL and, for a bounded RANGE without LAG, the frame (the smaller).
  FifoExpiryQueue expiry_;
  std::string key_;                    // the encoded key of the row being processed
  std::vector<Value> results_;         // the results of the row being processed
  std::vector<Value> output_tail_;     // the values the output row adds to its input columns
  std::vector<uint32_t> peer_states_;  // per row of one rowtime (RANGE), its state
};

}  // namespace sluice::runtime
