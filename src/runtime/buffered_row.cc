#include "runtime/buffered_row.h"

#include <variant>

#include "runtime/event_time_row_buffer.h"

namespace sluice::runtime {

std::vector<Value> BufferedRow::ToValues(size_t columns) const {
  std::vector<Value> values;
  values.reserve(columns);
  for (size_t c = 0; c < columns; ++c) values.push_back(value(c));
  return values;
}

void BufferedRow::CopyTo(std::vector<Value>* values) const {
  for (size_t c = 0; c < values->size(); ++c) {
    const Column& from = column(c);
    Value& to = (*values)[c];
    if (from.IsNull(row) || from.physical() != PhysicalType::kString ||
        !std::holds_alternative<std::string>(to.data)) {
      to = Value::FromColumn(from, row);
      continue;
    }
    std::get<std::string>(to.data).assign(from.strings()[row]);
    to.type = from.type();
  }
}

void BufferedRow::AppendKey(const std::vector<size_t>& keys, std::string* key) const {
  for (size_t k : keys) {
    const Column& c = column(k);
    if (c.IsNull(row)) {
      key->push_back('\x01');
      continue;
    }
    const TypeId id = c.type().id;
    if (id == TypeId::kString) {
      EventTimeRowBuffer::AppendKeyPart(c.strings()[row], key);
    } else if (id == TypeId::kInt || id == TypeId::kBigInt || id == TypeId::kInterval) {
      EventTimeRowBuffer::AppendIntKeyPart(c.ints()[row], key);
    } else {
      EventTimeRowBuffer::AppendKeyPart(value(k).ToString(), key);
    }
  }
}

}  // namespace sluice::runtime
