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

/// The start of a job: turns a source's decoded batches into the scan's output rows (computed
/// columns), assigns each row the watermark in force before it (WatermarkTracker), drops rows with
/// a NULL rowtime (reported as bad records) and rows the pushed-down filter rejects, and pushes
/// batches and watermark advances to its downstream operators. Used by the pipeline thread only.
class SourceStage {
 public:
  static Result<std::unique_ptr<SourceStage>> Create(const sql::ScanSpec& scan,
                                                     std::unique_ptr<SourceReader> reader,
                                                     const expr::FunctionRegistry& functions,
                                                     BadRecordReporter* bad_records);

  /// Adds a consumer: input `input` of `op` receives every output batch and watermark.
  void AddOutput(Operator* op, size_t input) { outputs_.emplace_back(op, input); }

  /// Opens the reader and declares its splits to the watermark tracker.
  Status Open();
  SourceReader& reader() { return *reader_; }
  const SourceReader& reader() const { return *reader_; }
  const std::string& table_name() const { return table_name_; }
  Watermark watermark() const { return tracker_.current(); }
  int64_t records_in() const { return records_in_; }

  /// Processes a batch the reader delivered. `processing_time_ms` is what PROCTIME() sees.
  Status ProcessBatch(const SourceBatch& batch, int64_t processing_time_ms);
  /// Marks split `split` idle: it stops holding the watermark back.
  Status MarkIdle(size_t split);
  /// Ends the input: the watermark jumps to the maximum (every window fires) and operators finish.
  Status Finish();

  /// Appends the watermark state (tracker and the watermark forwarded) and the record count.
  void SaveState(StateEncoder* out) const;
  /// Replaces that state with what SaveState wrote; call after Open, before any batch.
  Status RestoreState(StateDecoder* in);

 private:
  SourceStage() = default;
  Status ForwardWatermark();
  Result<BatchPtr> ComputeOutput(const Batch& decoded, const expr::EvalContext& context);

  std::string table_name_;
  std::unique_ptr<SourceReader> reader_;
  SchemaPtr output_schema_;
  std::vector<std::unique_ptr<expr::CompiledExpr>> outputs_exprs_;
  std::vector<std::optional<size_t>> passthrough_;  // output i is decoded column j, uncomputed
  std::unique_ptr<expr::CompiledExpr> watermark_expr_;
  std::unique_ptr<expr::CompiledExpr> filter_;
  std::optional<size_t> rowtime_column_;
  BadRecordReporter* bad_records_ = nullptr;
  WatermarkTracker tracker_;
  Watermark forwarded_ = kMinWatermark;
  std::vector<std::pair<Operator*, size_t>> outputs_;
  int64_t records_in_ = 0;
};

}  // namespace sluice::runtime
