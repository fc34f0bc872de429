#include "types/value.h"

#include "types/cell_text.h"

namespace sluice {

Value Value::FromColumn(const Column& column, size_t row) {
  Value v{column.type(), std::monostate{}};
  if (column.IsNull(row)) return v;
  switch (column.physical()) {
    case PhysicalType::kBool:
      v.data = column.bools()[row] != 0;
      break;
    case PhysicalType::kInt64:
      v.data = column.ints()[row];
      break;
    case PhysicalType::kDouble:
      v.data = column.doubles()[row];
      break;
    case PhysicalType::kString:
      v.data = std::string(column.strings()[row]);
      break;
    case PhysicalType::kNested: {
      auto one = std::make_shared<Column>(column.type());
      one->ShareArenasOf(column);
      one->AppendFrom(column, row);
      v.data = ColumnPtr(std::move(one));
      break;
    }
  }
  return v;
}

void Value::AppendTo(Column* column) const {
  if (is_null()) {
    column->AppendNull();
    return;
  }
  switch (column->physical()) {
    case PhysicalType::kBool:
      column->AppendBool(as_bool());
      break;
    case PhysicalType::kInt64:
      column->AppendInt(as_int());
      break;
    case PhysicalType::kDouble:
      column->AppendDouble(as_double());
      break;
    case PhysicalType::kString:
      column->AppendString(as_string());
      break;
    case PhysicalType::kNested:
      column->ShareArenasOf(as_nested());
      column->AppendFrom(as_nested(), 0);
      break;
  }
}

std::string Value::ToString() const {
  Column c(type);
  AppendTo(&c);
  std::string out;
  AppendCellText(c, 0, &out);
  return out;
}

}  // namespace sluice
