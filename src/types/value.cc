#include "types/value.h"

#include <fmt/format.h>

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
  // Strings and integers (partition keys, on the hot path of OVER, deduplication and Top-N) give
  // AppendCellText's text without building a column.
  if (type.id == TypeId::kString && std::holds_alternative<std::string>(data)) return as_string();
  if ((type.id == TypeId::kInt || type.id == TypeId::kBigInt || type.id == TypeId::kInterval) &&
      std::holds_alternative<int64_t>(data)) {
    return fmt::format("{}", as_int());
  }
  Column c(type);
  AppendTo(&c);
  std::string out;
  AppendCellText(c, 0, &out);
  return out;
}

}  // namespace sluice
