#include "runtime/batch_collector.h"

namespace sluice::runtime {

Status BatchCollector::Process(const BatchPtr& batch, size_t /*input*/) {
  if (batch->num_rows > 0) batches_.push_back(batch);
  return Status::Ok();
}

BatchPtr BatchCollector::Concatenate(const std::vector<BatchPtr>& batches) {
  if (batches.empty()) return nullptr;
  if (batches.size() == 1) return batches[0];
  auto out = std::make_shared<Batch>();
  out->schema = batches[0]->schema;
  for (size_t c = 0; c < batches[0]->columns.size(); ++c) {
    auto column = std::make_shared<Column>(batches[0]->schema->field(c).type);
    for (const BatchPtr& b : batches) {
      column->ShareArenasOf(b->column(c));  // string bytes stay where they are
      for (size_t r = 0; r < b->num_rows; ++r) column->AppendFrom(b->column(c), r);
    }
    out->columns.push_back(std::move(column));
  }
  bool watermarks = true, kinds = false;
  for (const BatchPtr& b : batches) {
    out->num_rows += b->num_rows;
    watermarks &= !b->row_watermarks.empty();
    kinds |= !b->row_kinds.empty();
  }
  for (const BatchPtr& b : batches) {
    if (watermarks) {
      out->row_watermarks.insert(out->row_watermarks.end(), b->row_watermarks.begin(),
                                 b->row_watermarks.end());
    }
    for (size_t r = 0; kinds && r < b->num_rows; ++r) out->row_kinds.push_back(b->row_kind(r));
  }
  return out;
}

}  // namespace sluice::runtime
