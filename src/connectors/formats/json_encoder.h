#pragma once

#include <string>
#include <vector>

#include "runtime/record_decoder.h"
#include "types/schema.h"

namespace sluice::connectors {

/// Encodes a row as one JSON object, as Flink's 'json' format writes it: fields in schema order
/// named by `field_names`, numbers and DECIMAL as JSON numbers, BOOLEAN as true/false, TIMESTAMP
/// as "yyyy-MM-dd HH:mm:ss.SSS" (TIMESTAMP_LTZ with a trailing 'Z'), DATE as "yyyy-MM-dd", NaN
/// and infinities as strings, NULL as null, ROW as an object, ARRAY as an array, MAP as an object
/// (keys as text). Row kinds are not written. Not thread-safe.
class JsonEncoder : public runtime::RecordEncoder {
 public:
  explicit JsonEncoder(std::vector<std::string> field_names);

  void Encode(const Batch& batch, size_t row, std::string* out) override;

  /// Appends row `row` of `col` as a JSON value (nested values as objects and arrays).
  static void AppendValue(const Column& col, size_t row, std::string* out);

 private:
  static void AppendNested(const Column& col, size_t row, std::string* out);

  std::vector<std::string> quoted_names_;  // "\"name\":" per field
};

}  // namespace sluice::connectors
