#include "connectors/formats/csv_encoder.h"

#include "types/cell_text.h"

namespace sluice::connectors {

CsvEncoder::CsvEncoder(CsvOptions options) : options_(std::move(options)) {}

void CsvEncoder::AppendField(std::string_view text, std::string* out) const {
  if (!options_.quote_character) {
    out->append(text);
    return;
  }
  const char quote = *options_.quote_character;
  bool needs_quotes = !text.empty() && (text.front() == ' ' || text.back() == ' ');
  for (char c : text) {
    if (c == options_.field_delimiter || c == quote || c == '\n' || c == '\r') {
      needs_quotes = true;
      break;
    }
  }
  if (options_.null_literal && text == *options_.null_literal) needs_quotes = true;
  if (!needs_quotes) {
    out->append(text);
    return;
  }
  out->push_back(quote);
  for (char c : text) {
    if (c == quote) out->push_back(quote);
    out->push_back(c);
  }
  out->push_back(quote);
}

Status CsvEncoder::Encode(const Batch& batch, size_t row, std::string* out) {
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    if (i > 0) out->push_back(options_.field_delimiter);
    const Column& col = batch.column(i);
    if (col.IsNull(row)) {
      if (options_.null_literal) out->append(*options_.null_literal);
      continue;
    }
    if (col.type().id == TypeId::kString) {
      AppendField(col.strings()[row], out);
      continue;
    }
    cell_.clear();
    AppendCellText(col, row, &cell_);
    AppendField(cell_, out);
  }
  return Status::Ok();
}

}  // namespace sluice::connectors
