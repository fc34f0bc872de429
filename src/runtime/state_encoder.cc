#include "runtime/state_encoder.h"

#include "expr/aggregate_state_codec.h"

namespace sluice::runtime {

using Codec = expr::AggregateStateCodec;

void StateEncoder::PutU8(uint8_t v) { Codec::PutU8(v, &data_); }
void StateEncoder::PutI64(int64_t v) { Codec::PutI64(v, &data_); }
void StateEncoder::PutDouble(double v) { Codec::PutDouble(v, &data_); }
void StateEncoder::PutString(std::string_view v) { Codec::PutString(v, &data_); }

void StateEncoder::PutColumn(const Column& column) {
  PutI64(static_cast<int64_t>(column.size()));
  for (size_t i = 0; i < column.size(); ++i) PutCell(column, i);
}

void StateEncoder::PutCell(const Column& column, size_t row) {
  const bool null = column.IsNull(row);
  PutU8(null ? 1 : 0);
  if (null) return;
  switch (column.physical()) {
    case PhysicalType::kBool:
      PutU8(column.bools()[row]);
      break;
    case PhysicalType::kInt64:
      PutI64(column.ints()[row]);
      break;
    case PhysicalType::kDouble:
      PutDouble(column.doubles()[row]);
      break;
    case PhysicalType::kString:
      PutString(column.strings()[row]);
      break;
    case PhysicalType::kNested:
      if (column.type().id == TypeId::kRow) {
        for (size_t c = 0; c < column.num_children(); ++c) PutCell(column.child(c), row);
        break;
      }
      PutI64(column.ElementCount(row));
      for (uint32_t e = column.offsets()[row]; e < column.offsets()[row + 1]; ++e) {
        for (size_t c = 0; c < column.num_children(); ++c) PutCell(column.child(c), e);
      }
      break;
  }
}

}  // namespace sluice::runtime
