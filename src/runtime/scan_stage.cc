#include "runtime/scan_stage.h"

#include <fmt/format.h>

#include <algorithm>

#include "sql/expr_rewriter.h"
#include "types/cell_text.h"

namespace sluice::runtime {
namespace {

std::string RowText(const Batch& batch, size_t row) {
  std::string text = "[";
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    if (c) text += ", ";
    AppendCellText(*batch.columns[c], row, &text);
  }
  return text + "]";
}

/// Maps the scan's decoded columns to their positions among the shared read's columns.
Result<std::vector<std::optional<size_t>>> ReadPositions(const sql::ScanSpec& scan,
                                                         const std::vector<size_t>& read_columns) {
  std::vector<std::optional<size_t>> positions;
  for (size_t stored : scan.decoded_columns) {
    auto it = std::lower_bound(read_columns.begin(), read_columns.end(), stored);
    if (it == read_columns.end() || *it != stored) {
      return Status::Internal(
          fmt::format("table '{}': stored column {} is not read", scan.table->name, stored));
    }
    positions.push_back(static_cast<size_t>(it - read_columns.begin()));
  }
  return positions;
}

}  // namespace

Result<std::unique_ptr<ScanStage>> ScanStage::Create(const sql::ScanSpec& scan,
                                                     const std::vector<size_t>& read_columns,
                                                     const expr::FunctionRegistry& functions,
                                                     BadRecordReporter* bad_records) {
  std::unique_ptr<ScanStage> stage(new ScanStage());
  stage->table_name_ = scan.table->name;
  stage->bad_records_ = bad_records;
  stage->rowtime_column_ = scan.rowtime_column;
  const bool same_read = read_columns == scan.decoded_columns;
  std::vector<std::optional<size_t>> positions;
  if (!same_read) {
    ASSIGN_OR_RETURN(positions, ReadPositions(scan, read_columns));
  }
  for (const auto& output : scan.outputs) {
    // Outputs are over the scan's decoded columns; rewritten, they read the shared batch as is.
    sql::BoundExprPtr e = same_read ? output : sql::ExprRewriter::Remap(output, positions);
    if (e->kind == sql::BoundExprKind::kColumnRef) {
      stage->passthrough_.push_back(e->column);
      stage->outputs_exprs_.push_back(nullptr);
    } else {
      stage->passthrough_.push_back(std::nullopt);
      ASSIGN_OR_RETURN(auto compiled, expr::CompileExpr(e, functions));
      stage->outputs_exprs_.push_back(std::move(compiled));
    }
  }
  if (scan.watermark_expr) {
    ASSIGN_OR_RETURN(stage->watermark_expr_, expr::CompileExpr(scan.watermark_expr, functions));
  }
  if (scan.filter) {
    ASSIGN_OR_RETURN(stage->filter_, expr::CompileExpr(scan.filter, functions));
  }
  return stage;
}

Result<BatchPtr> ScanStage::ComputeOutput(const Batch& read, const expr::EvalContext& context) {
  auto out = std::make_shared<Batch>();
  out->num_rows = read.num_rows;
  out->row_kinds = read.row_kinds;  // changelog formats (debezium-json, mysql-cdc)
  out->processing_time_ms = context.processing_time_ms;
  for (size_t i = 0; i < passthrough_.size(); ++i) {
    if (passthrough_[i]) {
      out->columns.push_back(read.columns[*passthrough_[i]]);
    } else {
      ASSIGN_OR_RETURN(ColumnPtr c, outputs_exprs_[i]->Evaluate(read, nullptr, context));
      out->columns.push_back(std::move(c));
    }
  }
  if (!output_schema_) {
    auto schema = std::make_shared<Schema>();
    for (size_t i = 0; i < out->columns.size(); ++i) {
      const Field& f = passthrough_[i] ? read.schema->field(*passthrough_[i])
                                       : Field{"", outputs_exprs_[i]->type()};
      schema->Add({f.name, out->columns[i]->type()});
    }
    output_schema_ = schema;
  }
  out->schema = output_schema_;
  return BatchPtr(out);
}

std::vector<uint32_t> ScanStage::RowsWithRowtime(const Batch& output, const SourceReader& reader,
                                                 SplitId split) {
  const Column& rowtime = output.column(*rowtime_column_);
  std::vector<uint32_t> rows;
  for (uint32_t r = 0; r < output.num_rows; ++r) {
    if (!rowtime.IsNull(r)) {
      rows.push_back(r);
    } else if (bad_records_ != nullptr) {
      bad_records_->Report(
          table_name_, reader.split_name(split), RowText(output, r),
          fmt::format("rowtime column '{}' is NULL", output.schema->field(*rowtime_column_).name));
    }
  }
  return rows;
}

Status ScanStage::ProcessBatch(const Batch& read, const SourceReader& reader, SplitId split,
                               int64_t processing_time_ms) {
  expr::EvalContext context{processing_time_ms};
  ASSIGN_OR_RETURN(BatchPtr output, ComputeOutput(read, context));
  expr::SelectionVector selection;
  bool narrowed = false;
  if (watermark_expr_) {
    ASSIGN_OR_RETURN(ColumnPtr candidates, watermark_expr_->Evaluate(*output, nullptr, context));
    auto with_watermarks = std::make_shared<Batch>(*output);
    tracker_.ObserveBatch(static_cast<size_t>(split.value()), *candidates,
                          &with_watermarks->row_watermarks);
    if (output->column(*rowtime_column_).has_nulls()) {
      narrowed = true;
      selection = RowsWithRowtime(*output, reader, split);
    }
    output = with_watermarks;
  }
  if (filter_) {
    if (!narrowed) {
      selection.resize(output->num_rows);
      for (uint32_t r = 0; r < output->num_rows; ++r) selection[r] = r;
    }
    RETURN_IF_ERROR(expr::ApplyFilter(*filter_, *output, context, &selection));
    narrowed = true;
  }
  if (narrowed) output = GatherRows(*output, selection);
  if (output->num_rows > 0) {
    for (auto& [op, input] : outputs_) RETURN_IF_ERROR(op->Process(output, input));
  }
  return ForwardWatermark();
}

Status ScanStage::ForwardWatermark() {
  Watermark wm = tracker_.current();
  if (wm <= forwarded_) return Status::Ok();
  forwarded_ = wm;
  for (auto& [op, input] : outputs_) RETURN_IF_ERROR(op->AdvanceWatermark(wm, input));
  return Status::Ok();
}

Status ScanStage::MarkIdle(size_t split) {
  tracker_.SetIdle(split, true);
  return ForwardWatermark();
}

Status ScanStage::Finish() {
  if (forwarded_ < kMaxWatermark) {
    forwarded_ = kMaxWatermark;
    for (auto& [op, input] : outputs_) RETURN_IF_ERROR(op->AdvanceWatermark(kMaxWatermark, input));
  }
  for (auto& [op, input] : outputs_) RETURN_IF_ERROR(op->Finish());
  return Status::Ok();
}

void ScanStage::SaveState(StateEncoder* out) const {
  tracker_.SaveState(out);
  out->PutI64(forwarded_.value());
}

Status ScanStage::RestoreState(StateDecoder* in) {
  RETURN_IF_ERROR(tracker_.RestoreState(in));
  int64_t forwarded = 0;
  RETURN_IF_ERROR(in->GetI64(&forwarded));
  forwarded_ = Watermark(forwarded);
  return Status::Ok();
}

}  // namespace sluice::runtime
