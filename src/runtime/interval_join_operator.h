#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "runtime/join_operator.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// Flink's event-time interval join (kIntervalJoin): a left row at time t and a right row at
/// time r with equal, non-NULL keys match when r - t lies in [lower, upper] (JoinSpec).
/// - Each arriving row is joined at once with the other side's rows held for its key, and the
///   pairs are emitted.
/// - A row is then held while rows that can still arrive on time on the other side may match
///   it: a left row while the join watermark is at or before t + upper, a right row while it is
///   at or before r - lower (a row at the watermark is on time, DESIGN.md: late is before it, as
///   a window whose end is at or before it). When the watermark passes that bound the row is
///   dropped; an outer side's row that never matched is emitted padded with NULLs at that
///   moment. A row that arrives with its bound already passed (late) still joins the rows held,
///   and, unmatched on an outer side, is emitted padded at once.
/// - A row with a NULL key never matches: on an outer side it is emitted padded at once.
/// The output watermark is held back by max(0, upper, -lower), so joined rows are never late
/// downstream. State: per side, per key, the rows by time with a matched flag, and a queue of
/// expiry times. Lifecycle as Operator; single-threaded.
class IntervalJoinOperator : public JoinOperator {
 public:
  /// Returns the operator for `node` (a kIntervalJoin).
  static Result<std::unique_ptr<IntervalJoinOperator>> Create(const sql::PlanNode& node);

  Status SaveState(StateEncoder* out) const override;
  Status RestoreState(StateDecoder* in) override;

  /// Returns the number of rows held on `side` (0 left, 1 right).
  size_t num_held(size_t side) const { return sides_[side].held; }
  /// Returns the bytes of the rows held on both sides and their keys.
  size_t StateBytes() const override { return sides_[0].bytes + sides_[1].bytes; }
  std::optional<OperatorStats> stats() const override {
    return OperatorStats{static_cast<int64_t>(sides_[0].keys.size() + sides_[1].keys.size()), 0, 0};
  }

 protected:
  void ProcessRow(size_t side, Row row, int64_t watermark) override;
  void OnWatermark(int64_t watermark) override;

 private:
  struct HeldRow {
    Row row;
    bool matched = false;
  };
  struct Side {
    size_t time_column = 0;
    bool outer = false;
    std::unordered_map<std::string, std::multimap<int64_t, HeldRow>> keys;
    std::multimap<int64_t, std::string> expiry;  // expiry time -> key, arrival order within
    size_t held = 0;
    size_t bytes = 0;  // MemoryFootprint of the held rows and their keys
  };

  explicit IntervalJoinOperator(const sql::PlanNode& node);
  /// Returns the last time a row of `side` at `time` can match: rows of the other side up to it
  /// are on time while the watermark is at or before it.
  int64_t ExpiryOf(size_t side, int64_t time) const;
  /// Joins `row` (at `time`) with the rows of the other side held for `key`; returns whether
  /// any matched.
  bool Probe(size_t side, const Row& row, int64_t time, const std::string& key);
  void Expire(size_t side, int64_t watermark);
  void SaveSide(const Side& side, StateEncoder* out) const;
  Status RestoreSide(StateDecoder* in, Side* side);

  std::array<Side, 2> sides_;
};

}  // namespace sluice::runtime
