#include "connectors/formats/json_encoder.h"

#include "common/json_string.h"

namespace sluice::connectors {

JsonEncoder::JsonEncoder(std::vector<std::string> field_names, JsonValueWriter writer)
    : writer_(std::move(writer)) {
  for (const auto& name : field_names) {
    std::string quoted;
    AppendJsonString(name, &quoted);
    quoted += ':';
    quoted_names_.push_back(std::move(quoted));
  }
}

Status JsonEncoder::Encode(const Batch& batch, size_t row, std::string* out) {
  out->push_back('{');
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(quoted_names_[i]);
    RETURN_IF_ERROR(writer_.Append(batch.column(i), row, out));
  }
  out->push_back('}');
  return Status::Ok();
}

void JsonEncoder::AppendValue(const Column& col, size_t row, std::string* out) {
  static const JsonValueWriter kLiteralNullKeys(MapNullKeyMode::kLiteral, "null");
  Status written = kLiteralNullKeys.Append(col, row, out);
  (void)written;  // LITERAL mode writes every value
}

}  // namespace sluice::connectors
