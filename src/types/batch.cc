#include "types/batch.h"

namespace sluice {

namespace {

// Writes rows `rows` of `input` into `out` (same type, empty or already resized to the rows by
// a ROW parent): by index for scalars and each child of a ROW, by appending for ARRAY and MAP.
void GatherInto(const Column& input, const std::vector<uint32_t>& rows, Column* out) {
  const size_t n = rows.size();
  const TypeId id = input.type().id;
  if (id == TypeId::kArray || id == TypeId::kMap) {
    out->Resize(0);  // a ROW parent's Resize made room for empty arrays
    out->Reserve(n);
    for (uint32_t r : rows) out->AppendFrom(input, r);
    return;
  }
  out->Resize(n);
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
    case PhysicalType::kNested:  // a ROW: its children row by row, as the parent
      for (size_t c = 0; c < input.num_children(); ++c) {
        GatherInto(input.child(c), rows, &out->child(c));
      }
      break;
  }
  if (input.has_nulls()) {
    for (size_t i = 0; i < n; ++i) {
      if (input.IsNull(rows[i])) out->SetNull(i);
    }
  }
}

}  // namespace

ColumnPtr GatherColumn(const Column& input, const std::vector<uint32_t>& rows) {
  auto out = std::make_shared<Column>(input.type());
  out->ShareArenasOf(input);
  GatherInto(input, rows, out.get());
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
