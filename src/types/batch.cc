#include "types/batch.h"

namespace sluice {

ColumnPtr GatherColumn(const Column& input, const std::vector<uint32_t>& rows) {
  auto out = std::make_shared<Column>(input.type());
  out->ShareArenasOf(input);
  out->Resize(rows.size());
  const size_t n = rows.size();
  switch (input.physical()) {
    case PhysicalType::kBool:
      for (size_t i = 0; i < n; ++i) out->bools()[i] = input.bools()[rows[i]];
      break;
    case PhysicalType::kInt64:
      for (size_t i = 0; i < n; ++i) out->ints()[i] = input.ints()[rows[i]];
      break;
    case PhysicalType::kDouble:
      for (size_t i = 0; i < n; ++i) out->doubles()[i] = input.doubles()[rows[i]];
      break;
    case PhysicalType::kString:
      for (size_t i = 0; i < n; ++i) out->strings()[i] = input.strings()[rows[i]];
      break;
  }
  if (input.has_nulls()) {
    for (size_t i = 0; i < n; ++i) {
      if (input.IsNull(rows[i])) out->SetNull(i);
    }
  }
  return out;
}

BatchPtr GatherRows(const Batch& input, const std::vector<uint32_t>& rows) {
  auto out = std::make_shared<Batch>();
  out->schema = input.schema;
  out->num_rows = rows.size();
  out->processing_time_ms = input.processing_time_ms;
  out->columns.reserve(input.columns.size());
  for (const auto& c : input.columns) out->columns.push_back(GatherColumn(*c, rows));
  if (!input.row_kinds.empty()) {
    out->row_kinds.reserve(rows.size());
    for (uint32_t r : rows) out->row_kinds.push_back(input.row_kinds[r]);
  }
  if (!input.row_watermarks.empty()) {
    out->row_watermarks.reserve(rows.size());
    for (uint32_t r : rows) out->row_watermarks.push_back(input.row_watermarks[r]);
  }
  return out;
}

}  // namespace sluice
