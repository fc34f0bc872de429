#include "runtime/record_decoder.h"

namespace sluice::runtime {

BatchBuilder::BatchBuilder(SchemaPtr schema) : schema_(std::move(schema)) {
  for (const auto& f : schema_->fields()) columns_.push_back(std::make_shared<Column>(f.type));
}

void BatchBuilder::CommitRow(RowKind kind) {
  if (kind != RowKind::kInsert || !row_kinds_.empty()) {
    row_kinds_.resize(rows_, RowKind::kInsert);
    row_kinds_.push_back(kind);
  }
  ++rows_;
}

void BatchBuilder::RollbackRow() {
  for (auto& c : columns_) {
    if (c->size() > rows_ || c->physical() == PhysicalType::kNested) c->Resize(rows_);
  }
}

BatchPtr BatchBuilder::Finish() {
  auto batch = std::make_shared<Batch>();
  batch->schema = schema_;
  batch->num_rows = rows_;
  if (!row_kinds_.empty()) row_kinds_.resize(rows_, RowKind::kInsert);
  batch->row_kinds = std::move(row_kinds_);
  row_kinds_.clear();
  for (auto& c : columns_) {
    batch->columns.push_back(c);
    c = std::make_shared<Column>(c->type());
  }
  rows_ = 0;
  return batch;
}

}  // namespace sluice::runtime
