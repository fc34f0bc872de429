#include "connectors/formats/csv_decoder.h"

#include <fmt/format.h>

#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {

CsvDecoder::CsvDecoder(SchemaPtr schema, std::vector<size_t> decoded_columns,
                       size_t num_stored_columns, CsvOptions options)
    : schema_(std::move(schema)), target_(num_stored_columns, -1), options_(std::move(options)) {
  for (size_t i = 0; i < decoded_columns.size(); ++i) {
    target_[decoded_columns[i]] = static_cast<int>(i);
  }
}

bool CsvDecoder::Split(std::string_view line) {
  fields_.clear();
  scratch_.clear();
  // Quoted fields that need unescaping are copied to scratch_; their views are set at the end,
  // once scratch_ no longer grows.
  const char delim = options_.field_delimiter;
  const bool has_quote = options_.quote_character.has_value();
  const char quote = has_quote ? *options_.quote_character : '\0';
  size_t i = 0;
  while (true) {
    if (has_quote && i < line.size() && line[i] == quote) {
      size_t begin = ++i;
      bool escaped = false;
      size_t scratch_begin = scratch_.size();
      while (true) {
        if (i >= line.size()) return false;
        if (line[i] == quote) {
          if (i + 1 < line.size() && line[i + 1] == quote) {
            scratch_.append(line.substr(begin, i - begin));
            escaped = true;
            scratch_.push_back(quote);
            i += 2;
            begin = i;
            continue;
          }
          break;
        }
        ++i;
      }
      if (escaped) {
        scratch_.append(line.substr(begin, i - begin));
        fields_.push_back(
            {std::string_view(), true, scratch_begin, scratch_.size() - scratch_begin});
      } else {
        fields_.push_back({line.substr(begin, i - begin), true});
      }
      ++i;  // the closing quote
      if (i < line.size() && line[i] != delim) return false;
    } else {
      size_t end = line.find(delim, i);
      if (end == std::string_view::npos) end = line.size();
      fields_.push_back({line.substr(i, end - i), false});
      i = end;
    }
    if (i >= line.size()) break;
    ++i;  // the delimiter
    if (i == line.size()) {
      fields_.push_back({std::string_view(), false});
      break;
    }
  }
  for (FieldText& f : fields_) {
    if (f.scratch_offset != std::string::npos) {
      f.text = std::string_view(scratch_).substr(f.scratch_offset, f.scratch_length);
    }
  }
  return true;
}

Status CsvDecoder::DecodeField(std::string_view text, bool quoted, size_t index,
                               runtime::BatchBuilder* out) {
  const Field& f = schema_->field(index);
  Column* col = &out->column(index);
  bool is_null = (options_.null_literal && text == *options_.null_literal) ||
                 (!quoted && text.empty() && f.type.id != TypeId::kString);
  if (!is_null) {
    Status s = AppendValueFromText(text, f.name, col);
    if (s.ok()) return s;
    if (!options_.ignore_parse_errors || !f.type.nullable) return s;
    ++ignored_errors_;
  }
  if (!f.type.nullable) {
    return Status::DataError(
        fmt::format("field '{}' is null but declared {}", f.name, f.type.ToString()));
  }
  col->AppendNull();
  return Status::Ok();
}

Status CsvDecoder::Decode(std::string_view record, runtime::BatchBuilder* out) {
  if (options_.allow_comments && !record.empty() && record[0] == '#') return Status::Ok();
  Status status;
  if (!Split(record)) {
    status = Status::DataError("malformed CSV: a quoted field is not closed");
  } else if (fields_.size() != target_.size()) {
    status = Status::DataError(
        fmt::format("expected {} fields, got {}", target_.size(), fields_.size()));
  }
  if (!status.ok()) {
    if (!options_.ignore_parse_errors) return status;
    ++ignored_errors_;
    return Status::Ok();
  }
  for (size_t k = 0; k < fields_.size(); ++k) {
    if (target_[k] < 0) continue;
    Status s =
        DecodeField(fields_[k].text, fields_[k].quoted, static_cast<size_t>(target_[k]), out);
    if (!s.ok()) {
      out->RollbackRow();
      return s;
    }
  }
  out->CommitRow();
  return Status::Ok();
}

}  // namespace sluice::connectors
