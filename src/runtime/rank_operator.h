#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/event_time_row_operator.h"
#include "runtime/key_expiry_queue.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// Deduplication and Top-N over event time (a kRank plan node: ROW_NUMBER() OVER (PARTITION BY
/// keys ORDER BY rowtime [DESC]) filtered by rn <= N). Rows are buffered until the watermark
/// passes their rowtime (late rows are dropped and counted) and then ranked in rowtime order,
/// ties in arrival order, per partition key (NULLs are one key). Output rows are the input's
/// columns followed by the row number:
/// - ASC: a key's first N rows by rowtime, each emitted once as +I (keep-first deduplication is
///   N = 1); later rows never enter.
/// - DESC: the newest row takes rank 1. N = 1 (keep last): +I for the key's first row, then -U
///   of the previous row and +U of the new one. N > 1: with the row number in the query, each
///   rank whose row changed is updated (-U old, +U new, +I for a rank that was empty); without
///   it, -D for the row pushed out of the top N and +I for the new row.
/// Window Top-N (RankSpec::window_end_column): rows wait until the watermark reaches their
/// window_end, then each window's rows are sorted per key by the ORDER BY column (NULLs last,
/// ties in arrival order) and its top N emitted as +I: append-only.
/// State: per key its current top rows (plain Values, serialisable); keys are kept unless a
/// state TTL is set (`'table.exec.state.ttl'`, in event time): a key whose newest row is at t is
/// dropped once the watermark reaches t + ttl, and a row with rowtime > t + ttl starts it afresh
/// (row number 1 again). Lifecycle as Operator; single-threaded; insert-only input.
class RankOperator : public EventTimeRowOperator {
 public:
  /// Builds the operator for `node` (kRank); `state_ttl_ms` > 0 expires idle keys (not used by
  /// window Top-N, whose state ends with each window).
  static Result<std::unique_ptr<RankOperator>> Create(const sql::PlanNode& node,
                                                      int64_t state_ttl_ms = 0);

  /// Writes the watermark, the buffered rows and every key's top rows.
  Status SaveState(StateEncoder* out) const override;
  Status RestoreState(StateDecoder* in) override;

  /// Returns the number of partition keys holding state.
  size_t num_keys() const { return keys_.size(); }
  std::optional<OperatorStats> stats() const override {
    return OperatorStats{static_cast<int64_t>(keys_.size()), late_records_dropped(), 0};
  }
  /// Returns the number of keys dropped as idle past the state TTL. Restored with the state.
  int64_t keys_expired() const { return expiry_.expired_count(); }

 private:
  RankOperator(const sql::PlanNode& node, int64_t state_ttl_ms);
  void FireRows(int64_t time, const std::vector<BufferedRow>& rows) override;
  void AfterWatermark(int64_t watermark) override;
  /// Ranks one row of rowtime `time` in its key's top rows and appends the changes.
  void Rank(const BufferedRow& row, int64_t time);
  /// Returns the top rows of the key of `row` at `time` (none for a new key, or one idle past
  /// the state TTL).
  std::vector<Row>& TopOf(const BufferedRow& row, int64_t time);
  /// Ranks the rows of one window (window Top-N) per partition key and appends each top N.
  void RankWindow(const std::vector<Row>& rows);
  void Append(const Row& row, int64_t rank, RowKind kind);
  /// Returns the row number `rank` as the output's last column holds it.
  static Value RankValue(int64_t rank);

  sql::RankSpec spec_;
  std::unordered_map<std::string, std::vector<Row>> keys_;  // top rows by rank (N is small)
  KeyExpiryQueue<std::string> expiry_;                      // the state TTL
  std::string key_;                                         // the key of the row being ranked
};

}  // namespace sluice::runtime
