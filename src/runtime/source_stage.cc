#include "runtime/source_stage.h"

#include <fmt/format.h>

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

}  // namespace

Result<std::unique_ptr<SourceStage>> SourceStage::Create(const sql::ScanSpec& scan,
                                                         std::unique_ptr<SourceReader> reader,
                                                         const expr::FunctionRegistry& functions,
                                                         BadRecordReporter* bad_records) {
  std::unique_ptr<SourceStage> stage(new SourceStage());
  stage->table_name_ = scan.table->name;
  stage->reader_ = std::move(reader);
  stage->bad_records_ = bad_records;
  stage->rowtime_column_ = scan.rowtime_column;
  auto schema = std::make_shared<Schema>();
  for (size_t i = 0; i < scan.outputs.size(); ++i) {
    const auto& e = scan.outputs[i];
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

Status SourceStage::Open() {
  RETURN_IF_ERROR(reader_->Open());
  tracker_.SetSplitCount(reader_->num_splits());
  return Status::Ok();
}

Result<BatchPtr> SourceStage::ComputeOutput(const Batch& decoded,
                                            const expr::EvalContext& context) {
  auto out = std::make_shared<Batch>();
  out->num_rows = decoded.num_rows;
  out->row_kinds = decoded.row_kinds;  // changelog formats (debezium-json, mysql-cdc)
  out->processing_time_ms = context.processing_time_ms;
  for (size_t i = 0; i < passthrough_.size(); ++i) {
    if (passthrough_[i]) {
      out->columns.push_back(decoded.columns[*passthrough_[i]]);
    } else {
      ASSIGN_OR_RETURN(ColumnPtr c, outputs_exprs_[i]->Evaluate(decoded, nullptr, context));
      out->columns.push_back(std::move(c));
    }
  }
  if (!output_schema_) {
    auto schema = std::make_shared<Schema>();
    for (size_t i = 0; i < out->columns.size(); ++i) {
      const Field& f = passthrough_[i] ? decoded.schema->field(*passthrough_[i])
                                       : Field{"", outputs_exprs_[i]->type()};
      schema->Add({f.name, out->columns[i]->type()});
    }
    output_schema_ = schema;
  }
  out->schema = output_schema_;
  return BatchPtr(out);
}

Status SourceStage::ProcessBatch(const SourceBatch& source_batch, int64_t processing_time_ms) {
  const Batch& decoded = *source_batch.batch;
  records_in_ += static_cast<int64_t>(decoded.num_rows);
  expr::EvalContext context{processing_time_ms};
  ASSIGN_OR_RETURN(BatchPtr output, ComputeOutput(decoded, context));
  const size_t split = static_cast<size_t>(source_batch.split.value());
  expr::SelectionVector selection;
  bool narrowed = false;
  if (watermark_expr_) {
    ASSIGN_OR_RETURN(ColumnPtr candidates, watermark_expr_->Evaluate(*output, nullptr, context));
    auto with_watermarks = std::make_shared<Batch>(*output);
    tracker_.ObserveBatch(split, *candidates, &with_watermarks->row_watermarks);
    const Column& rowtime = output->column(*rowtime_column_);
    if (rowtime.has_nulls()) {
      narrowed = true;
      for (uint32_t r = 0; r < output->num_rows; ++r) {
        if (!rowtime.IsNull(r)) {
          selection.push_back(r);
          continue;
        }
        bad_records_->Report(table_name_, reader_->split_name(source_batch.split),
                             RowText(*output, r),
                             fmt::format("rowtime column '{}' is NULL",
                                         output->schema->field(*rowtime_column_).name));
      }
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

Status SourceStage::ForwardWatermark() {
  Watermark wm = tracker_.current();
  if (wm <= forwarded_) return Status::Ok();
  forwarded_ = wm;
  for (auto& [op, input] : outputs_) RETURN_IF_ERROR(op->AdvanceWatermark(wm, input));
  return Status::Ok();
}

Status SourceStage::MarkIdle(size_t split) {
  tracker_.SetIdle(split, true);
  return ForwardWatermark();
}

Status SourceStage::Finish() {
  if (forwarded_ < kMaxWatermark) {
    forwarded_ = kMaxWatermark;
    for (auto& [op, input] : outputs_) RETURN_IF_ERROR(op->AdvanceWatermark(kMaxWatermark, input));
  }
  for (auto& [op, input] : outputs_) RETURN_IF_ERROR(op->Finish());
  return Status::Ok();
}

void SourceStage::SaveState(StateEncoder* out) const {
  tracker_.SaveState(out);
  out->PutI64(forwarded_.value());
  out->PutI64(records_in_);
}

Status SourceStage::RestoreState(StateDecoder* in) {
  RETURN_IF_ERROR(tracker_.RestoreState(in));
  int64_t forwarded = 0;
  RETURN_IF_ERROR(in->GetI64(&forwarded));
  forwarded_ = Watermark(forwarded);
  return in->GetI64(&records_in_);
}

}  // namespace sluice::runtime
