#pragma once

#include <string>

#include "connectors/formats/csv_options.h"
#include "runtime/record_decoder.h"

namespace sluice::connectors {

/// Encodes a row as one CSV line: fields in schema order, values as Flink prints them (see
/// types/cell_text.h), NULL as the null literal (default: empty). A field holding the delimiter,
/// the quote character, a line break, or starting/ending with a blank is quoted, with quote
/// characters doubled. Row kinds are not written. Not thread-safe.
class CsvEncoder : public runtime::RecordEncoder {
 public:
  explicit CsvEncoder(CsvOptions options);

  Status Encode(const Batch& batch, size_t row, std::string* out) override;

 private:
  void AppendField(std::string_view text, std::string* out) const;

  CsvOptions options_;
  std::string cell_;
};

}  // namespace sluice::connectors
