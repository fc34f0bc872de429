#include "expr/expr_node.h"

namespace sluice::expr {

EvalInput EvalInput::Narrow(const std::vector<uint32_t>& positions,
                            SelectionVector* storage) const {
  storage->resize(positions.size());
  for (size_t i = 0; i < positions.size(); ++i) (*storage)[i] = BatchRow(positions[i]);
  EvalInput out = *this;
  out.selection = storage;
  out.rows = positions.size();
  return out;
}

void CopyCell(const Column& from, size_t from_row, Column* to, size_t to_row) {
  if (from.IsNull(from_row)) {
    to->SetNull(to_row);
    return;
  }
  switch (to->physical()) {
    case PhysicalType::kBool:
      to->bools()[to_row] = from.bools()[from_row];
      break;
    case PhysicalType::kInt64:
      to->ints()[to_row] = from.ints()[from_row];
      break;
    case PhysicalType::kDouble:
      to->doubles()[to_row] = from.doubles()[from_row];
      break;
    case PhysicalType::kString:
      to->strings()[to_row] = from.strings()[from_row];
      break;
    case PhysicalType::kNested:  // never: nested rows are appended, not written in place
      break;
  }
}

ColumnPtr ExpandOperand(const Operand& operand, size_t rows) {
  if (!operand.constant) return operand.column;
  const Column& c = *operand.column;
  auto out = std::make_shared<Column>(c.type());
  out->ShareArenasOf(c);
  if (c.physical() == PhysicalType::kNested) {
    for (size_t i = 0; i < rows; ++i) out->AppendFrom(c, 0);
    return out;
  }
  out->Resize(rows);
  if (c.IsNull(0)) {
    for (size_t i = 0; i < rows; ++i) out->SetNull(i);
    return out;
  }
  switch (c.physical()) {
    case PhysicalType::kBool:
      std::fill(out->bools().begin(), out->bools().end(), c.bools()[0]);
      break;
    case PhysicalType::kInt64:
      std::fill(out->ints().begin(), out->ints().end(), c.ints()[0]);
      break;
    case PhysicalType::kDouble:
      std::fill(out->doubles().begin(), out->doubles().end(), c.doubles()[0]);
      break;
    case PhysicalType::kString:
      std::fill(out->strings().begin(), out->strings().end(), c.strings()[0]);
      break;
    case PhysicalType::kNested:  // appended above
      break;
  }
  return out;
}

}  // namespace sluice::expr
