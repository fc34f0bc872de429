#include "runtime/value_codec.h"

#include "sql/parser.h"

namespace sluice::runtime {
namespace {

enum Tag : uint8_t { kNullTag, kBoolTag, kIntTag, kDoubleTag, kStringTag, kNestedTag };

// Reads a ROW, ARRAY or MAP value written as its type's SQL text and a one-row column.
Status GetNested(StateDecoder* in, Value* value) {
  std::string text;
  RETURN_IF_ERROR(in->GetString(&text));
  Result<LogicalType> type = sql::ParseDataType(text, "checkpoint");
  if (!type.ok() || !type->is_nested()) return in->Corrupt("bad nested value type " + text);
  auto column = std::make_shared<Column>(*type);
  RETURN_IF_ERROR(in->GetColumn(column.get()));
  if (column->size() != 1) return in->Corrupt("a nested value is not one row");
  value->type = *type;
  value->data = ColumnPtr(std::move(column));
  return Status::Ok();
}

}  // namespace

void ValueCodec::Put(const Value& value, StateEncoder* out) {
  out->PutU8(static_cast<uint8_t>(value.type.id));
  out->PutI64(value.type.precision);
  out->PutI64(value.type.scale);
  out->PutU8(value.type.nullable ? 1 : 0);
  if (value.is_null()) {
    out->PutU8(kNullTag);
  } else if (std::holds_alternative<bool>(value.data)) {
    out->PutU8(kBoolTag);
    out->PutU8(value.as_bool() ? 1 : 0);
  } else if (std::holds_alternative<int64_t>(value.data)) {
    out->PutU8(kIntTag);
    out->PutI64(value.as_int());
  } else if (std::holds_alternative<double>(value.data)) {
    out->PutU8(kDoubleTag);
    out->PutDouble(value.as_double());
  } else if (std::holds_alternative<ColumnPtr>(value.data)) {
    out->PutU8(kNestedTag);
    out->PutString(value.type.ToString());
    out->PutColumn(value.as_nested());
  } else {
    out->PutU8(kStringTag);
    out->PutString(value.as_string());
  }
}

Status ValueCodec::Get(StateDecoder* in, Value* value) {
  uint8_t id = 0, nullable = 0, tag = 0;
  int64_t precision = 0, scale = 0;
  RETURN_IF_ERROR(in->GetU8(&id));
  RETURN_IF_ERROR(in->GetI64(&precision));
  RETURN_IF_ERROR(in->GetI64(&scale));
  RETURN_IF_ERROR(in->GetU8(&nullable));
  RETURN_IF_ERROR(in->GetU8(&tag));
  value->type = LogicalType{static_cast<TypeId>(id), static_cast<int>(precision),
                            static_cast<int>(scale), nullable != 0};
  switch (tag) {
    case kNullTag:
      value->data = std::monostate{};
      return Status::Ok();
    case kBoolTag: {
      uint8_t b = 0;
      RETURN_IF_ERROR(in->GetU8(&b));
      value->data = b != 0;
      return Status::Ok();
    }
    case kIntTag: {
      int64_t v = 0;
      RETURN_IF_ERROR(in->GetI64(&v));
      value->data = v;
      return Status::Ok();
    }
    case kDoubleTag: {
      double v = 0;
      RETURN_IF_ERROR(in->GetDouble(&v));
      value->data = v;
      return Status::Ok();
    }
    case kStringTag: {
      std::string v;
      RETURN_IF_ERROR(in->GetString(&v));
      value->data = std::move(v);
      return Status::Ok();
    }
    case kNestedTag:
      return GetNested(in, value);
    default:
      return in->Corrupt("unknown value tag");
  }
}

void ValueCodec::PutRow(const std::vector<Value>& row, StateEncoder* out) {
  out->PutI64(static_cast<int64_t>(row.size()));
  for (const Value& v : row) Put(v, out);
}

Status ValueCodec::GetRow(StateDecoder* in, std::vector<Value>* row) {
  size_t n = 0;
  RETURN_IF_ERROR(GetCount(in, &n));
  row->resize(n);
  for (Value& v : *row) RETURN_IF_ERROR(Get(in, &v));
  return Status::Ok();
}

void ValueCodec::PutOptional(const std::optional<Value>& value, StateEncoder* out) {
  out->PutU8(value ? 1 : 0);
  if (value) Put(*value, out);
}

Status ValueCodec::GetOptional(StateDecoder* in, std::optional<Value>* value) {
  uint8_t present = 0;
  RETURN_IF_ERROR(in->GetU8(&present));
  if (!present) {
    value->reset();
    return Status::Ok();
  }
  value->emplace();
  return Get(in, &**value);
}

Status ValueCodec::GetCount(StateDecoder* in, size_t* count) {
  int64_t n = 0;
  RETURN_IF_ERROR(in->GetI64(&n));
  if (n < 0 || static_cast<uint64_t>(n) > in->rest()->size()) return in->Corrupt("bad count");
  *count = static_cast<size_t>(n);
  return Status::Ok();
}

}  // namespace sluice::runtime
