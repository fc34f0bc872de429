#include "connectors/formats/json_encoder.h"

#include <fmt/format.h>

#include <cmath>

#include "common/civil_time.h"
#include "common/json_string.h"
#include "types/cell_text.h"

namespace sluice::connectors {

JsonEncoder::JsonEncoder(std::vector<std::string> field_names) {
  for (const auto& name : field_names) {
    std::string quoted;
    AppendJsonString(name, &quoted);
    quoted += ':';
    quoted_names_.push_back(std::move(quoted));
  }
}

void JsonEncoder::Encode(const Batch& batch, size_t row, std::string* out) {
  out->push_back('{');
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(quoted_names_[i]);
    AppendValue(batch.column(i), row, out);
  }
  out->push_back('}');
}

void JsonEncoder::AppendNested(const Column& col, size_t row, std::string* out) {
  const LogicalType& t = col.type();
  if (t.id == TypeId::kRow) {
    out->push_back('{');
    for (size_t c = 0; c < col.num_children(); ++c) {
      if (c > 0) out->push_back(',');
      AppendJsonString(t.field_name(c), out);
      out->push_back(':');
      AppendValue(col.child(c), row, out);
    }
    out->push_back('}');
    return;
  }
  const bool is_map = t.id == TypeId::kMap;
  out->push_back(is_map ? '{' : '[');
  for (uint32_t e = col.offsets()[row]; e < col.offsets()[row + 1]; ++e) {
    if (e > col.offsets()[row]) out->push_back(',');
    if (is_map) {
      std::string key;
      AppendCellText(col.child(0), e, &key);
      AppendJsonString(key, out);
      out->push_back(':');
    }
    AppendValue(col.child(is_map ? 1 : 0), e, out);
  }
  out->push_back(is_map ? '}' : ']');
}

void JsonEncoder::AppendValue(const Column& col, size_t row, std::string* out) {
  if (col.IsNull(row)) {
    out->append("null");
    return;
  }
  const LogicalType& t = col.type();
  switch (t.id) {
    case TypeId::kString:
      AppendJsonString(col.strings()[row], out);
      break;
    case TypeId::kTimestamp:
      out->push_back('"');
      out->append(FormatTimestamp(col.ints()[row], t.precision));
      out->push_back('"');
      break;
    case TypeId::kTimestampLtz:
      out->push_back('"');
      out->append(FormatTimestamp(col.ints()[row], t.precision));
      out->append("Z\"");
      break;
    case TypeId::kDate:
      out->push_back('"');
      out->append(FormatDate(col.ints()[row]));
      out->push_back('"');
      break;
    case TypeId::kFloat:
    case TypeId::kDouble:
      if (!std::isfinite(col.doubles()[row])) {
        AppendJsonString(FormatDouble(col.doubles()[row]), out);
      } else {
        AppendCellText(col, row, out);
      }
      break;
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      AppendNested(col, row, out);
      break;
    default:
      AppendCellText(col, row, out);
      break;
  }
}

}  // namespace sluice::connectors
