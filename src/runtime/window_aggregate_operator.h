#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "expr/compiled_expr.h"
#include "expr/function_registry.h"
#include "runtime/aggregate_inputs.h"
#include "runtime/aggregate_state_arena.h"
#include "runtime/group_key_table.h"
#include "runtime/operator.h"
#include "runtime/window_assigner.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// Aggregates rows per (window, group key) for TUMBLE, HOP and CUMULATE windows (a
/// kWindowAggregate plan node) and emits one row per (window, key) when the watermark passes the
/// window end: the keys, window_start, window_end, window_time (= window_end - 1 ms), then the
/// aggregates.
///
/// Lateness follows DESIGN.md exactly: a row is late for window w when w.end <= the watermark in
/// force just before it (Batch::row_watermarks, or the operator's watermark when the batch has
/// none). Windows are fired before the row whose watermark completes them, so one batch gives
/// the same output as the same rows one per batch. With an allowed lateness L, a fired window's
/// state is kept until the watermark reaches end + L; late rows within that bound update it and
/// each updated (window, key) is emitted again, once, at the next AdvanceWatermark or Finish, as
/// Flink's late firing does: -U with the result emitted before and +U with the new one (nothing
/// when the result did not change; +I for a key the window had not emitted yet). The output is
/// then a changelog (Batch::row_kinds set on batches holding updates). Rows that reach none of
/// their windows are dropped and counted.
///
/// Output rows carry, as row watermark, the watermark in force before the firing, so a
/// downstream event-time operator over window_time sees them on time. Results are emitted in
/// order of window end, then first appearance of the key in the window.
///
/// Changelog input (a plan whose input produces updates) is accepted: -U and -D rows retract
/// their values from the window's state (MIN/MAX keep a multiset of values for this), +I and +U
/// add them, before the window fires; a (window, key) whose rows were all retracted emits
/// nothing, or -D once emitted (late updates). A retraction for a window past its allowed
/// lateness is a late row like any other.
///
/// Lifecycle as Operator; single-threaded (the pipeline thread). The output is insert-only when
/// the allowed lateness is 0.
class WindowAggregateOperator : public Operator {
 public:
  /// Builds the operator for `node` (kWindowAggregate; its input's schema is inputs[0]->schema).
  /// `allowed_lateness_ms` is 'table.exec.emit.allow-lateness'.
  static Result<std::unique_ptr<WindowAggregateOperator>> Create(
      const sql::PlanNode& node, const expr::FunctionRegistry& registry,
      int64_t allowed_lateness_ms = 0);
  ~WindowAggregateOperator() override;

  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  Status Finish() override;
  std::string Describe() const override;
  /// Saves / restores every window (bounds, fired), its keys, aggregate states, emitted and dirty
  /// groups with the results to retract, the watermark and the late-row counters.
  Status SaveState(StateEncoder* out) const override;
  Status RestoreState(StateDecoder* in) override;

  /// Returns the number of rows dropped because every window they belong to had passed its
  /// allowed lateness.
  int64_t late_records_dropped() const { return late_records_dropped_; }
  /// Returns the number of late rows that updated a window already fired (within the allowed
  /// lateness); counted since the operator was created, not checkpointed.
  int64_t late_records_updated() const { return late_records_updated_; }
  /// Returns the number of (window, key) groups held now.
  size_t num_groups() const;
  std::optional<OperatorStats> stats() const override;
  size_t StateBytes() const override;

 private:
  struct Window {
    TimeWindow bounds;
    bool fired = false;
    std::unique_ptr<GroupKeyTable> keys;
    std::unique_ptr<AggregateStateArena> states;
    std::vector<uint8_t> emitted;     // by group: its result has been emitted
    std::vector<int64_t> row_counts;  // by group: rows added minus rows retracted
    std::vector<uint32_t> dirty;      // groups updated since firing, in first-update order
    std::vector<uint8_t> is_dirty;    // by group
    // Aggregate results kept for emitting updates: one column per aggregate; a dirty group that
    // was emitted before has its last emitted result at row before_rows[i] (i its index in
    // `dirty`), the others kNoRow.
    std::vector<std::unique_ptr<Column>> before;
    std::vector<uint32_t> before_rows;
    uint32_t before_count = 0;
  };
  static constexpr uint32_t kNoRow = UINT32_MAX;
  struct PendingUpdate {
    uint8_t* region;
    uint32_t row;
    bool retract;  // a -U or -D row
  };

  WindowAggregateOperator(const sql::PlanNode& node, WindowAssigner assigner,
                          std::unique_ptr<AggregateInputs> inputs, int64_t allowed_lateness_ms);

  static void SaveWindow(const Window& window, StateEncoder* out);
  Status RestoreWindow(StateDecoder* in);
  void AssignRow(size_t row, int64_t time, int64_t watermark, bool retract);
  Window* FindOrCreateWindow(const TimeWindow& bounds, int64_t watermark);
  /// Applies the buffered row updates to their states.
  void FlushUpdates();
  /// Applies the buffered retractions to aggregate `a`'s states.
  void RetractPending(size_t a);
  /// Fires every window ending at or before `watermark`, emits updated groups of fired windows
  /// (all when `emit_updates`, otherwise only of those being dropped) and drops windows whose
  /// lateness has passed.
  void FireUpTo(int64_t watermark, bool emit_updates);
  void EmitGroups(Window& window, bool only_dirty);
  /// Emits the dirty groups of a fired window: +I for groups not emitted yet, else -U/+U.
  void EmitUpdates(Window& window);
  /// Appends the current aggregate results of `group` to `window.before`; returns their row.
  uint32_t SnapshotResult(Window& window, uint32_t group);
  bool SnapshotsEqual(const Window& window, uint32_t a, uint32_t b) const;
  /// Appends an output row of `group`: keys, window columns and the aggregates (`snapshot` row of
  /// window.before, or finalized from the state when kNoRow).
  void AppendRow(const Window& window, uint32_t group, RowKind kind, uint32_t snapshot = kNoRow);
  int64_t DropTime(int64_t end) const;
  void RecomputeNextEvent();
  void ResetOutput();
  Status EmitOutput();

  SchemaPtr schema_;
  WindowAssigner assigner_;
  std::unique_ptr<AggregateInputs> inputs_;
  std::vector<const expr::AggregateFunction*> functions_;
  std::vector<size_t> state_offsets_;  // of each aggregate within a group's state region
  std::vector<LogicalType> key_types_;
  int64_t allowed_lateness_ms_;
  expr::EvalContext context_;

  std::map<int64_t, std::unique_ptr<Window>> windows_;  // by window end
  int64_t current_watermark_ = kMinWatermark.value();
  int64_t next_event_ = kMaxWatermark.value();  // least end (unfired) or drop time (fired)
  int64_t late_records_dropped_ = 0;
  int64_t late_records_updated_ = 0;
  int64_t retractions_ignored_ = 0;  // retracted values an aggregate never held

  // Per-batch scratch, reused to keep the hot path free of allocations.
  std::vector<uint64_t> hashes_;
  std::vector<TimeWindow> assigned_;
  std::vector<PendingUpdate> pending_;
  std::vector<uint8_t*> update_states_;
  std::vector<uint32_t> update_rows_;
  Window* last_window_ = nullptr;

  // Output under construction.
  std::vector<std::shared_ptr<Column>> out_columns_;
  std::vector<Column*> out_keys_;
  std::vector<int64_t> out_watermarks_;
  std::vector<RowKind> out_kinds_;
  bool out_has_updates_ = false;
  size_t out_rows_ = 0;
};

}  // namespace sluice::runtime
