#pragma once

#include <memory>
#include <string>
#include <vector>

#include "expr/function_registry.h"
#include "runtime/bad_record_reporter.h"
#include "runtime/operator.h"
#include "runtime/scan_stage.h"
#include "runtime/source_reader.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// The start of every scan of one source table: one reader per table and pipeline, shared by all
/// its scans (several INSERT jobs of a statement set, or one job reading the table twice), as
/// Flink's statement sets read a source once. The reader decodes the union of the columns the
/// scans need; each batch, idle split and end of input goes to every scan (ScanStage, with its
/// own projection, filter and watermark) in the order they were added. Records, bad records and
/// positions are counted once per table. Built by Pipeline::Create; used by the pipeline thread
/// only.
class SourceStage {
 public:
  /// The stored columns a shared reader decodes: indexes into the table's stored schema,
  /// ascending, and their fields.
  struct Read {
    std::vector<size_t> columns;
    SchemaPtr schema;
  };
  /// Returns the union of what `scans` (all of one table) decode.
  static Read UnionOfReads(const std::vector<const sql::ScanSpec*>& scans);

  /// `reader` decodes `read_columns` (from UnionOfReads) of table `table_name`.
  SourceStage(std::string table_name, std::unique_ptr<SourceReader> reader,
              std::vector<size_t> read_columns, BadRecordReporter* bad_records);

  /// Adds a scan whose output goes to input `input` of `op`, in job `job_name` (for Describe).
  /// Call before Open.
  Status AddScan(const sql::ScanSpec& scan, Operator* op, size_t input,
                 const expr::FunctionRegistry& functions, const std::string& job_name);

  /// Opens the reader and declares its splits to every scan's watermark tracker.
  Status Open();
  SourceReader& reader() { return *reader_; }
  const SourceReader& reader() const { return *reader_; }
  const std::string& table_name() const { return table_name_; }
  size_t num_scans() const { return scans_.size(); }
  /// Returns the lowest watermark of the scans (they share the table's WATERMARK declaration).
  Watermark watermark() const;
  int64_t records_in() const { return records_in_; }
  /// Returns "Source[<table>]: <n> split(s)", and the jobs reading it when it is shared.
  std::string Describe() const;

  /// Processes a batch the reader delivered. `processing_time_ms` is what PROCTIME() sees.
  Status ProcessBatch(const SourceBatch& batch, int64_t processing_time_ms);
  /// Marks split `split` idle: it stops holding the watermarks back.
  Status MarkIdle(size_t split);
  /// Ends the input: watermarks jump to the maximum (every window fires) and operators finish.
  Status Finish();

  /// Appends every scan's watermark state, then the record count (with one scan, the layout of a
  /// single unshared scan).
  void SaveState(StateEncoder* out) const;
  /// Replaces that state with what SaveState wrote; call after Open, before any batch.
  Status RestoreState(StateDecoder* in);

 private:
  std::string table_name_;
  std::unique_ptr<SourceReader> reader_;
  std::vector<size_t> read_columns_;
  BadRecordReporter* bad_records_;
  std::vector<std::unique_ptr<ScanStage>> scans_;
  std::vector<std::string> job_names_;  // the jobs with a scan of it, in order, each once
  int64_t records_in_ = 0;
};

}  // namespace sluice::runtime
