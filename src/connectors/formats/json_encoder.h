#pragma once

#include <string>
#include <vector>

#include "runtime/record_decoder.h"
#include "types/json_value_writer.h"
#include "types/schema.h"

namespace sluice::connectors {

/// Encodes a row as one JSON object, as Flink's 'json' format writes it: fields in schema order
/// named by `field_names`, each value as JsonValueWriter writes it (ROW as an object, ARRAY as an
/// array, MAP as an object; a NULL MAP key per 'json.map-null-key.mode'). Row kinds are not
/// written. Not thread-safe.
class JsonEncoder : public runtime::RecordEncoder {
 public:
  explicit JsonEncoder(std::vector<std::string> field_names,
                       JsonValueWriter writer = JsonValueWriter());

  /// Returns kDataError when a MAP value has a NULL key and the mode is FAIL.
  Status Encode(const Batch& batch, size_t row, std::string* out) override;

  /// Appends row `row` of `col` as a JSON value (nested values as objects and arrays, a NULL MAP
  /// key as the text "null"), for sinks that store JSON text.
  static void AppendValue(const Column& col, size_t row, std::string* out);

 private:
  std::vector<std::string> quoted_names_;  // "\"name\":" per field
  JsonValueWriter writer_;
};

}  // namespace sluice::connectors
