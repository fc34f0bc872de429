#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "expr/compiled_expr.h"
#include "expr/function_registry.h"
#include "runtime/bad_record_reporter.h"
#include "runtime/operator.h"
#include "runtime/source_reader.h"
#include "runtime/watermark_tracker.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// One scan of a source table, fed by the table's shared SourceStage: turns the shared read's
/// decoded batches into this scan's output rows (its own pushed-down projection and computed
/// columns), assigns each row the watermark in force before it (WatermarkTracker), drops rows with
/// a NULL rowtime (reported as bad records when `bad_records` is set) and rows its pushed-down
/// filter rejects, and pushes batches and watermark advances to its downstream operators.
/// Created once per scan at pipeline construction; used by the pipeline thread only.
class ScanStage {
 public:
  /// `read_columns` are the stored columns (indexes into the table's stored schema, ascending) the
  /// shared reader decodes; they must include every column `scan` decodes. `bad_records` may be
  /// null: then this scan does not report (another scan of the table does, so each bad record is
  /// counted once per table).
  static Result<std::unique_ptr<ScanStage>> Create(const sql::ScanSpec& scan,
                                                   const std::vector<size_t>& read_columns,
                                                   const expr::FunctionRegistry& functions,
                                                   BadRecordReporter* bad_records);

  /// Adds a consumer: input `input` of `op` receives every output batch and watermark.
  void AddOutput(Operator* op, size_t input) { outputs_.emplace_back(op, input); }
  void SetSplitCount(size_t n) { tracker_.SetSplitCount(n); }
  Watermark watermark() const { return tracker_.current(); }

  /// Processes a batch of the shared read (split `split` of `reader`, which names splits for bad
  /// record reports). `processing_time_ms` is what PROCTIME() sees.
  Status ProcessBatch(const Batch& read, const SourceReader& reader, SplitId split,
                      int64_t processing_time_ms);
  /// Marks split `split` idle: it stops holding the watermark back.
  Status MarkIdle(size_t split);
  /// Ends the input: the watermark jumps to the maximum (every window fires) and operators finish.
  Status Finish();

  /// Appends the watermark state (tracker and the watermark forwarded).
  void SaveState(StateEncoder* out) const;
  /// Replaces that state with what SaveState wrote; call before any batch.
  Status RestoreState(StateDecoder* in);

 private:
  ScanStage() = default;
  Status ForwardWatermark();
  Result<BatchPtr> ComputeOutput(const Batch& read, const expr::EvalContext& context);
  /// Returns the rows of `output` whose rowtime is not NULL, reporting the others.
  std::vector<uint32_t> RowsWithRowtime(const Batch& output, const SourceReader& reader,
                                        SplitId split);

  std::string table_name_;
  SchemaPtr output_schema_;
  std::vector<std::unique_ptr<expr::CompiledExpr>> outputs_exprs_;
  std::vector<std::optional<size_t>> passthrough_;  // output i is read column j, uncomputed
  std::unique_ptr<expr::CompiledExpr> watermark_expr_;
  std::unique_ptr<expr::CompiledExpr> filter_;
  std::optional<size_t> rowtime_column_;
  BadRecordReporter* bad_records_ = nullptr;
  WatermarkTracker tracker_;
  Watermark forwarded_ = kMinWatermark;
  std::vector<std::pair<Operator*, size_t>> outputs_;
};

}  // namespace sluice::runtime
