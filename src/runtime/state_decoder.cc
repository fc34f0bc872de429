#include "runtime/state_decoder.h"

#include "expr/aggregate_state_codec.h"

namespace sluice::runtime {

using Codec = expr::AggregateStateCodec;

StateDecoder::StateDecoder(std::string_view data, std::string what)
    : data_(data), what_(std::move(what)) {}

Status StateDecoder::Corrupt(const std::string& message) const {
  return Status::DataError(what_ + ": " + message);
}

Status StateDecoder::GetU8(uint8_t* v) {
  return Codec::GetU8(&data_, v) ? Status::Ok() : Corrupt("truncated state");
}
Status StateDecoder::GetI64(int64_t* v) {
  return Codec::GetI64(&data_, v) ? Status::Ok() : Corrupt("truncated state");
}
Status StateDecoder::GetDouble(double* v) {
  return Codec::GetDouble(&data_, v) ? Status::Ok() : Corrupt("truncated state");
}
Status StateDecoder::GetString(std::string* v) {
  return Codec::GetString(&data_, v) ? Status::Ok() : Corrupt("truncated state");
}

Status StateDecoder::GetColumn(Column* out) {
  int64_t rows = 0;
  RETURN_IF_ERROR(GetI64(&rows));
  if (rows < 0 || static_cast<uint64_t>(rows) > data_.size()) return Corrupt("bad column size");
  for (int64_t i = 0; i < rows; ++i) RETURN_IF_ERROR(GetCell(out));
  return Status::Ok();
}

Status StateDecoder::GetNestedValue(Column* out) {
  int64_t elements = 1;  // a ROW: one value per child
  if (out->type().id != TypeId::kRow) {
    RETURN_IF_ERROR(GetI64(&elements));
    if (elements < 0 || static_cast<uint64_t>(elements) > data_.size()) {
      return Corrupt("bad element count");
    }
  }
  for (int64_t e = 0; e < elements; ++e) {
    for (size_t c = 0; c < out->num_children(); ++c) RETURN_IF_ERROR(GetCell(&out->child(c)));
  }
  out->EndNestedValue();
  return Status::Ok();
}

Status StateDecoder::GetCell(Column* out) {
  uint8_t null = 0;
  RETURN_IF_ERROR(GetU8(&null));
  if (null) {
    out->AppendNull();
    return Status::Ok();
  }
  switch (out->physical()) {
    case PhysicalType::kBool: {
      uint8_t v = 0;
      RETURN_IF_ERROR(GetU8(&v));
      out->AppendBool(v != 0);
      break;
    }
    case PhysicalType::kInt64: {
      int64_t v = 0;
      RETURN_IF_ERROR(GetI64(&v));
      out->AppendInt(v);
      break;
    }
    case PhysicalType::kDouble: {
      double v = 0;
      RETURN_IF_ERROR(GetDouble(&v));
      out->AppendDouble(v);
      break;
    }
    case PhysicalType::kString: {
      std::string v;
      RETURN_IF_ERROR(GetString(&v));
      out->AppendString(v);
      break;
    }
    case PhysicalType::kNested:
      return GetNestedValue(out);
  }
  return Status::Ok();
}

}  // namespace sluice::runtime
