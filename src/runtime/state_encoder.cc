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
  for (size_t i = 0; i < column.size(); ++i) {
    const bool null = column.IsNull(i);
    PutU8(null ? 1 : 0);
    if (null) continue;
    switch (column.physical()) {
      case PhysicalType::kBool:
        PutU8(column.bools()[i]);
        break;
      case PhysicalType::kInt64:
        PutI64(column.ints()[i]);
        break;
      case PhysicalType::kDouble:
        PutDouble(column.doubles()[i]);
        break;
      case PhysicalType::kString:
        PutString(column.strings()[i]);
        break;
    }
  }
}

}  // namespace sluice::runtime
