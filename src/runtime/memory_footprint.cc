#include "runtime/memory_footprint.h"

#include <string>
#include <string_view>
#include <variant>

namespace sluice::runtime {

size_t MemoryFootprint::OfColumn(const Column& column) {
  size_t bytes = sizeof(Column) + column.ints().capacity() * sizeof(int64_t) +
                 column.doubles().capacity() * sizeof(double) + column.bools().capacity() +
                 column.strings().capacity() * sizeof(std::string_view) +
                 column.offsets().capacity() * sizeof(uint32_t) + column.size() / 8;
  for (std::string_view s : column.strings()) bytes += s.size();
  for (size_t c = 0; c < column.num_children(); ++c) bytes += OfColumn(column.child(c));
  return bytes;
}

size_t MemoryFootprint::OfBatch(const Batch& batch) {
  size_t bytes = sizeof(Batch) + batch.row_kinds.capacity() * sizeof(RowKind) +
                 batch.row_watermarks.capacity() * sizeof(int64_t);
  for (const auto& column : batch.columns) bytes += OfColumn(*column);
  return bytes;
}

size_t MemoryFootprint::OfValue(const Value& value) {
  size_t bytes = sizeof(Value);
  if (const auto* s = std::get_if<std::string>(&value.data)) bytes += s->size();
  if (const auto* c = std::get_if<ColumnPtr>(&value.data)) bytes += OfColumn(**c);
  return bytes;
}

size_t MemoryFootprint::OfRow(const std::vector<Value>& row) {
  size_t bytes = sizeof(row);
  for (const Value& v : row) bytes += OfValue(v);
  return bytes;
}

}  // namespace sluice::runtime
