#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/formats/csv_options.h"
#include "runtime/record_decoder.h"
#include "types/schema.h"

namespace sluice::connectors {

/// Decodes one CSV line into the decoded schema. The line holds every stored column of the table
/// in order; `decoded_columns[i]` is the position of decoded field i among them (projection).
/// Quoted fields may contain the delimiter and doubled quote characters, not line breaks. An
/// empty unquoted field, or the null literal, is NULL for every type but STRING (where empty is
/// ""; the null literal is still NULL). A line with another number of fields, or a field that is
/// not of its type, is a bad record; with 'csv.ignore-parse-errors' the former is skipped and
/// the latter becomes NULL, both counted in ignored_errors(). Not thread-safe.
class CsvDecoder : public runtime::RecordDecoder {
 public:
  CsvDecoder(SchemaPtr schema, std::vector<size_t> decoded_columns, size_t num_stored_columns,
             CsvOptions options);

  Status Decode(std::string_view record, runtime::BatchBuilder* out) override;

  int64_t ignored_errors() const { return ignored_errors_; }

 private:
  // Splits `line` into fields_ (views into `line`, or into scratch_ for quoted fields with
  // doubled quotes); false when a quote is not closed.
  bool Split(std::string_view line);
  Status DecodeField(std::string_view text, bool quoted, size_t index, runtime::BatchBuilder* out);

  SchemaPtr schema_;
  std::vector<int> target_;  // per stored column: decoded field index or -1
  CsvOptions options_;
  int64_t ignored_errors_ = 0;
  struct FieldText {
    std::string_view text;
    bool quoted = false;
    size_t scratch_offset = std::string::npos;  // set: the text is in scratch_
    size_t scratch_length = 0;
  };
  std::vector<FieldText> fields_;
  std::string scratch_;
};

}  // namespace sluice::connectors
