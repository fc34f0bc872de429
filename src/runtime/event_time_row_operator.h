#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/event_time_row_buffer.h"
#include "runtime/operator.h"

namespace sluice::runtime {

/// The common life of the row-based event-time operators (OVER aggregation, rank): input rows
/// wait in an EventTimeRowBuffer until the watermark passes their rowtime (late rows are dropped
/// and counted), then FireRows processes them rowtime by rowtime and appends output rows, which
/// are emitted before the watermark is forwarded, with the previous watermark as their row
/// watermark. Lifecycle as Operator; single-threaded.
class EventTimeRowOperator : public Operator {
 public:
  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  Status Finish() override;
  std::string Describe() const override { return description_; }

  /// Returns the number of rows dropped as late.
  int64_t late_records_dropped() const { return buffer_.late_records_dropped(); }
  /// Returns the number of rows buffered until the watermark passes them.
  size_t num_pending() const { return buffer_.size(); }
  /// Returns the bytes of the rows buffered until the watermark passes them.
  size_t StateBytes() const override { return buffer_.memory_bytes(); }

 protected:
  using Row = EventTimeRowBuffer::Row;

  /// `schema` is the output's; rows are buffered by `time_column`, keeping `input_columns`.
  EventTimeRowOperator(SchemaPtr schema, size_t time_column, size_t input_columns);

  /// Processes the rows of rowtime `time`, in arrival order (readable during the call only).
  virtual void FireRows(int64_t time, const std::vector<BufferedRow>& rows) = 0;
  /// Returns the number of the input's columns (the first ones of the output).
  size_t input_columns() const { return buffer_.num_columns(); }
  /// Returns the values of `rows`, of the input's columns.
  std::vector<Row> ToRows(const std::vector<BufferedRow>& rows) const;
  /// Called after the watermark advanced to `watermark` and its rows fired.
  virtual void AfterWatermark(int64_t watermark) { (void)watermark; }
  /// Appends an output row of kind `kind` (its values are copied into the output's columns).
  void AppendOutputRow(const Row& row, RowKind kind = RowKind::kInsert);
  /// Appends an output row made of `row`'s values followed by `last`.
  void AppendOutputRow(const Row& row, const Value& last, RowKind kind);
  /// The same for a row still in the buffer (valid during FireRows): its strings are not copied,
  /// the output keeps the arenas of its batch.
  void AppendOutputRow(const BufferedRow& row, const Value& last, RowKind kind);
  /// Appends an output row made of a buffered row's columns followed by `tail` (the output's
  /// last columns), as above.
  void AppendOutputRow(const BufferedRow& row, std::span<const Value> tail, RowKind kind);
  /// Writes and reads the watermark and the buffered rows (the start of SaveState).
  void SaveBuffer(StateEncoder* out) const;
  Status RestoreBuffer(StateDecoder* in);

  std::string description_;

 private:
  /// Rows of output in one emitted batch, at least (a rowtime's rows are not split).
  static constexpr size_t kOutputBatchRows = 8192;

  Status FireUpTo(int64_t watermark);
  /// Starts the output's columns if they are not, and counts one more row of kind `kind`.
  void StartOutputRow(RowKind kind);
  Status EmitOutput(int64_t row_watermark);

  SchemaPtr schema_;
  EventTimeRowBuffer buffer_;
  int64_t current_watermark_ = kMinWatermark.value();
  std::vector<std::shared_ptr<Column>>
      out_columns_;  // the output rows not yet emitted, column by column
  size_t out_count_ = 0;
  const Batch* out_shares_ = nullptr;  // the batch whose arenas the output took last
  std::vector<RowKind> out_kinds_;
  bool out_has_updates_ = false;
};

}  // namespace sluice::runtime
