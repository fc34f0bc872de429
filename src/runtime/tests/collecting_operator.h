#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/operator.h"
#include "types/cell_text.h"

namespace sluice::runtime {

/// A test sink: records every row it receives (rendered as text), the row watermark of each
/// row, the watermarks and whether Finish was called.
class CollectingOperator : public Operator {
 public:
  /// Renders one cell: integers and timestamps as plain numbers, doubles as fmt prints them.
  static std::string Cell(const Column& c, size_t row) {
    if (c.IsNull(row)) return "null";
    switch (c.physical()) {
      case PhysicalType::kBool:
        return c.bools()[row] ? "true" : "false";
      case PhysicalType::kInt64:
        return std::to_string(c.ints()[row]);
      case PhysicalType::kDouble:
        return fmt::format("{}", c.doubles()[row]);
      case PhysicalType::kString:
        return std::string(c.strings()[row]);
      case PhysicalType::kNested: {
        std::string text;
        AppendCellText(c, row, &text);
        return text;
      }
    }
    return "?";
  }

  Status Process(const BatchPtr& batch, size_t input) override {
    ++batches;
    inputs.push_back(input);
    for (size_t r = 0; r < batch->num_rows; ++r) {
      std::string text;
      if (!batch->row_kinds.empty()) {
        text = std::string(RowKindShortString(batch->row_kinds[r])) + " ";
      }
      for (size_t c = 0; c < batch->columns.size(); ++c) {
        if (c) text += ",";
        text += Cell(batch->column(c), r);
      }
      rows.push_back(text);
      row_watermarks.push_back(batch->row_watermarks.empty() ? kNone : batch->row_watermarks[r]);
    }
    last_batch = batch;
    return Status::Ok();
  }
  Status AdvanceWatermark(Watermark watermark, size_t /*input*/) override {
    watermarks.push_back(watermark.value());
    rows.push_back("WM " + std::to_string(watermark.value()));
    row_watermarks.push_back(kNone);
    return Status::Ok();
  }
  Status Finish() override {
    ++finishes;
    return Status::Ok();
  }
  std::string Describe() const override { return "Collect"; }

  /// Returns the recorded rows without the watermark markers.
  std::vector<std::string> DataRows() const {
    std::vector<std::string> out;
    for (const auto& r : rows) {
      if (r.rfind("WM ", 0) != 0) out.push_back(r);
    }
    return out;
  }

  static constexpr int64_t kNone = INT64_MIN + 1;
  std::vector<std::string> rows;  // data rows and "WM <n>" markers, in arrival order
  std::vector<int64_t> row_watermarks;
  std::vector<int64_t> watermarks;
  std::vector<size_t> inputs;
  BatchPtr last_batch;
  int batches = 0;
  int finishes = 0;
};

}  // namespace sluice::runtime
