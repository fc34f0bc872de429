#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "expr/function_registry.h"
#include "runtime/aggregate_inputs.h"
#include "runtime/operator.h"
#include "sql/logical_plan.h"
#include "types/value.h"

namespace sluice::runtime {

/// Aggregates rows per SESSION window (a kWindowAggregate node with a session gap; the
/// group keys are the TVF's PARTITION BY columns, NULLs one key) and emits one row per session
/// when the watermark reaches its end: the keys, window_start, window_end, window_time
/// (= window_end - 1 ms), then the aggregates (COUNT, SUM, AVG, MIN, MAX with FILTER).
///
/// As Flink's session windows: a row at t opens the session [t, t + gap); sessions of a key that
/// intersect it (start <= other end and end >= other start) merge into one, so a row can bridge
/// two open sessions. A row is late when the session it would belong to after merging ends at or
/// before the watermark in force before it (Batch::row_watermarks, or the operator's watermark)
/// minus the allowed lateness L: it is dropped and counted. Sessions completed by a row's
/// watermark fire before the row, so one batch equals record-at-a-time. Sessions fire in order
/// of end, then of creation. State: per session the argument values of its rows (merging
/// concatenates them; results are computed when it fires), plain Values.
///
/// Allowed lateness L (`'table.exec.emit.allow-lateness'`): a fired session is kept until the
/// watermark reaches end + L. A late row that joins it — possibly bridging it with other fired
/// or open sessions — makes a new merged session, emitted at the next firing point (the next
/// watermark advance or Finish): the results of the fired sessions it absorbed are retracted
/// first (-U and then +U of the new result when the bounds are unchanged; -D when they changed,
/// then +I of the new result). The output is then a changelog. With L = 0 output is insert-only.
/// Lifecycle as Operator; single-threaded; insert-only input.
class SessionWindowOperator : public Operator {
 public:
  /// Builds the operator for `node` (kWindowAggregate with a positive session_gap_ms).
  static Result<std::unique_ptr<SessionWindowOperator>> Create(
      const sql::PlanNode& node, const expr::FunctionRegistry& registry,
      int64_t allowed_lateness_ms = 0);

  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  Status Finish() override;
  std::string Describe() const override;
  /// Writes the watermarks, counters and every key's open sessions with their rows.
  Status SaveState(StateEncoder* out) const override;
  Status RestoreState(StateDecoder* in) override;

  /// Returns the number of rows dropped as late.
  int64_t late_records_dropped() const { return late_records_dropped_; }
  /// Returns the number of late rows that joined a session already fired (within the allowed
  /// lateness); counted since the operator was created, not checkpointed.
  int64_t late_records_updated() const { return late_records_updated_; }
  /// Returns the number of open sessions.
  size_t num_sessions() const;
  std::optional<OperatorStats> stats() const override;

 private:
  using Args = std::vector<std::optional<Value>>;  // per aggregate; nullopt: FILTER rejected
  using Row = std::vector<Value>;
  struct Session {
    int64_t start = 0;
    int64_t end = 0;  // last row + gap
    uint64_t seq = 0;
    std::vector<Args> rows;
    bool fired = false;        // `emitted` is out (kept until end + allowed lateness)
    Row emitted;               // its result as last emitted
    std::vector<Row> retract;  // results of absorbed fired sessions, retracted when it fires
  };
  struct KeyState {
    std::vector<Value> key;
    std::vector<Session> sessions;
  };

  /// Returns the one session of `state` meeting [start, end] when exactly one does and it has
  /// not fired, else nullptr.
  static Session* SoleOpenSessionMeeting(KeyState* state, int64_t start, int64_t end);

  SessionWindowOperator(const sql::PlanNode& node, std::unique_ptr<AggregateInputs> inputs,
                        int64_t allowed_lateness_ms);
  /// Returns true when a row of `key` at `time` is late given watermark `wm` (see above).
  bool IsLate(const std::string& key, int64_t time, int64_t wm) const;
  /// Adds a row to its key's sessions; returns true when it joined a session already fired.
  bool AddRow(const std::string& key, std::vector<Value> key_values, int64_t time, Args args);
  /// Returns when `session` next needs attention: its end (to fire) or end + lateness (purge).
  int64_t DueTime(const Session& session) const;
  /// Emits (into the output buffer) every session ending at or before `watermark`.
  void FireUpTo(int64_t watermark);
  /// Fires up to `watermark` and emits the results with the previous watermark as row watermark.
  Status FireAndEmit(int64_t watermark);
  /// Appends the session's result, after retracting the results it absorbed; marks it fired.
  void AppendResult(const KeyState& state, Session& session);
  Row ResultRow(const KeyState& state, const Session& session) const;
  void SaveLateness(const Session& session, StateEncoder* out) const;
  Status RestoreLateness(Session* session, StateDecoder* in);
  Status EmitOutput(int64_t row_watermark);

  SchemaPtr schema_;
  sql::WindowSpec window_;
  std::vector<sql::OverCall> calls_;  // the aggregates as accumulator specs
  std::vector<LogicalType> arg_types_;
  std::unique_ptr<AggregateInputs> inputs_;
  expr::EvalContext context_;
  std::string description_;

  std::unordered_map<std::string, KeyState> keys_;
  uint64_t next_seq_ = 0;
  int64_t next_fire_ = std::numeric_limits<int64_t>::max();  // least session end
  int64_t current_watermark_ = kMinWatermark.value();
  int64_t fired_up_to_ = kMinWatermark.value();
  int64_t late_records_dropped_ = 0;
  int64_t late_records_updated_ = 0;

  int64_t allowed_lateness_ms_ = 0;
  std::vector<std::vector<Value>> out_rows_;
  std::vector<RowKind> out_kinds_;
  bool out_has_updates_ = false;
};

}  // namespace sluice::runtime
