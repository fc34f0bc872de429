#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "expr/compiled_expr.h"
#include "expr/function_registry.h"
#include "runtime/aggregate_inputs.h"
#include "runtime/aggregate_state_arena.h"
#include "runtime/group_key_table.h"
#include "runtime/key_expiry_queue.h"
#include "runtime/operator.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// Unbounded GROUP BY (a kGroupAggregate plan node): keeps one aggregate state per key forever
/// and emits a changelog as Flink does, once per key per input batch, after the batch: +I for a
/// key's first result, then -U (previous result) and +U (new result) when the result changed
/// (nothing when it did not), and -D (previous result) when retractions remove every row of a
/// key. Input rows of kind -U / -D retract (COUNT, SUM, AVG support it; others return
/// kUnsupported). Output columns: the keys, then the aggregates. Watermarks are forwarded.
/// With a state TTL (`'table.exec.state.ttl'`, in event time) a key's newest access is the
/// watermark in force when its newest row arrived (Batch::row_watermarks; rows before any
/// watermark count as accessed at the first one); once the watermark reaches that + ttl its
/// state is reset (nothing is emitted) and its next row starts it afresh with +I, as Flink does
/// after state expiry. The key itself stays interned in the key table.
/// Lifecycle as Operator; single-threaded.
class GroupAggregateOperator : public Operator {
 public:
  /// Builds the operator for `node`; `state_ttl_ms` > 0 expires idle keys.
  static Result<std::unique_ptr<GroupAggregateOperator>> Create(
      const sql::PlanNode& node, const expr::FunctionRegistry& registry, int64_t state_ttl_ms = 0);
  ~GroupAggregateOperator() override;

  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  Status Finish() override;
  std::string Describe() const override;
  /// Saves / restores every key with its aggregate states, row count and emitted flag.
  Status SaveState(StateEncoder* out) const override;
  Status RestoreState(StateDecoder* in) override;

  size_t num_groups() const { return keys_.size(); }
  std::optional<OperatorStats> stats() const override {
    return OperatorStats{static_cast<int64_t>(keys_.size()), 0, 0};
  }
  size_t StateBytes() const override { return keys_.memory_bytes() + states_.memory_bytes(); }
  /// Returns the number of keys whose state expired (state TTL). Restored with the state.
  int64_t keys_expired() const { return expiry_.expired_count(); }

 private:
  GroupAggregateOperator(const sql::PlanNode& node, std::unique_ptr<AggregateInputs> inputs,
                         int64_t state_ttl_ms);

  /// Records `group`'s first change in this batch, keeping its previous result.
  void Touch(uint32_t group);
  Status ApplyRows(const Batch& batch);
  /// Starts `group` afresh when its state expired by `clock` (applying pending rows first when
  /// the batch already touched it); records the access.
  Status CheckExpiry(uint32_t group, int64_t clock);
  void ResetGroup(uint32_t group);
  void FlushInserts();
  Status FlushRetractions();
  Status EmitChanges();
  void AppendOutput(uint32_t group, RowKind kind, const std::vector<std::shared_ptr<Column>>& from,
                    size_t row);
  bool SameResult(size_t old_row, size_t new_row) const;

  SchemaPtr schema_;
  std::unique_ptr<AggregateInputs> inputs_;
  std::vector<const expr::AggregateFunction*> functions_;
  std::vector<size_t> state_offsets_;
  size_t num_keys_;
  GroupKeyTable keys_;
  AggregateStateArena states_;
  expr::EvalContext context_;
  KeyExpiryQueue<uint32_t> expiry_;  // the state TTL
  int64_t watermark_ = kMinWatermark.value();
  std::vector<uint32_t> unwatermarked_;  // accessed before the first watermark

  // Per group.
  std::vector<int64_t> row_counts_;   // rows added minus rows retracted
  std::vector<uint8_t> emitted_;      // a result is out (+I / +U not yet retracted)
  std::vector<uint64_t> touched_in_;  // batch sequence number of the last change
  std::vector<uint32_t> old_index_;   // row of the previous result in old_results_

  // Per batch.
  uint64_t batch_seq_ = 0;
  std::vector<uint32_t> touched_;                     // in first-change order
  std::vector<std::shared_ptr<Column>> old_results_;  // one column per aggregate
  std::vector<std::shared_ptr<Column>> new_results_;
  std::vector<uint64_t> hashes_;
  std::vector<uint8_t*> insert_regions_;
  std::vector<uint32_t> insert_rows_;
  // Retractions of the batch, applied after its inserts: a MIN/MAX multiset must hold a value
  // before the same batch retracts it.
  std::vector<uint8_t*> retract_regions_;
  std::vector<uint32_t> retract_rows_;
  std::vector<uint8_t*> update_states_;
  std::vector<uint32_t> update_rows_;

  std::vector<std::shared_ptr<Column>> out_columns_;
  std::vector<Column*> out_keys_;
  std::vector<RowKind> out_kinds_;
};

}  // namespace sluice::runtime
