#pragma once

#include <cstdint>
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
  EventTimeRowOperator(SchemaPtr schema, size_t time_column, size_t input_columns)
      : schema_(std::move(schema)), buffer_(time_column, input_columns) {}

  /// Processes the rows of rowtime `time`, in arrival order.
  virtual void FireRows(int64_t time, const std::vector<Row>& rows) = 0;
  /// Called after the watermark advanced to `watermark` and its rows fired.
  virtual void AfterWatermark(int64_t watermark) { (void)watermark; }
  /// Appends an output row of kind `kind`.
  void AppendOutputRow(Row row, RowKind kind = RowKind::kInsert);
  /// Writes and reads the watermark and the buffered rows (the start of SaveState).
  void SaveBuffer(StateEncoder* out) const;
  Status RestoreBuffer(StateDecoder* in);

  std::string description_;

 private:
  void FireUpTo(int64_t watermark);
  Status EmitOutput(int64_t row_watermark);

  SchemaPtr schema_;
  EventTimeRowBuffer buffer_;
  int64_t current_watermark_ = kMinWatermark.value();
  std::vector<Row> out_rows_;
  std::vector<RowKind> out_kinds_;
  bool out_has_updates_ = false;
};

}  // namespace sluice::runtime
