#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "runtime/record_decoder.h"
#include "types/schema.h"

namespace sluice::connectors {

/// Options of the 'json' format (Flink's names: 'json.fail-on-missing-field',
/// 'json.ignore-parse-errors').
struct JsonDecodeOptions {
  /// A field of the schema missing from a record makes it a bad record (default: NULL).
  bool fail_on_missing_field = false;
  /// Malformed records are skipped without a report and values of the wrong type become NULL;
  /// both are counted in ignored_errors().
  bool ignore_parse_errors = false;
};

/// Decodes one JSON object per record into the fields of the decoded schema, matched by name
/// (other fields are skipped unread), with simdjson on-demand. Accepts for TIMESTAMP an ISO-8601
/// string with or without offset (normalised to UTC), "yyyy-MM-dd HH:mm:ss[.SSS]" or epoch
/// milliseconds; for DECIMAL a number or a string, parsed exactly; for numbers also numeric
/// strings; for STRING any scalar's text or a nested value's JSON; for ROW an object (fields
/// matched by name, missing ones NULL, others skipped unread), for ARRAY an array, for MAP an
/// object (keys as STRING or integer text), nested to any depth, JSON null as NULL at every
/// level. Of a duplicated key the first value counts. Reuses its parser and buffers: no allocation
/// per record beyond column growth. Not thread-safe; one per source split or reader.
class JsonDecoder : public runtime::RecordDecoder {
 public:
  JsonDecoder(SchemaPtr schema, JsonDecodeOptions options);
  ~JsonDecoder() override;

  Status Decode(std::string_view record, runtime::BatchBuilder* out) override;

  /// Returns how many errors 'json.ignore-parse-errors' made this decoder skip.
  int64_t ignored_errors() const { return ignored_errors_; }

 private:
  struct Parser;

  SchemaPtr schema_;
  JsonDecodeOptions options_;
  std::unique_ptr<Parser> parser_;
  int64_t ignored_errors_ = 0;
};

}  // namespace sluice::connectors
