#include "connectors/formats/format_factory.h"

#include <fmt/format.h>

#include "connectors/connector_options.h"
#include "connectors/formats/csv_decoder.h"
#include "connectors/formats/csv_encoder.h"
#include "connectors/formats/debezium_json_decoder.h"
#include "connectors/formats/json_decoder.h"
#include "connectors/formats/json_encoder.h"

namespace sluice::connectors {
namespace {

using Options = std::map<std::string, std::string>;

Result<std::string> FormatName(const Options& options) {
  auto it = options.find("format");
  if (it == options.end()) {
    return Status::InvalidArgument(
        "missing option 'format' (one of 'json', 'csv', 'debezium-json')");
  }
  if (it->second != "json" && it->second != "csv" && it->second != "debezium-json") {
    return Status::InvalidArgument(
        fmt::format("option 'format' = '{}' is not known; formats: 'json', 'csv', 'debezium-json'",
                    it->second));
  }
  return it->second;
}

Result<JsonDecodeOptions> ParseJsonOptions(const Options& map) {
  ConnectorOptions options(map);
  RETURN_IF_ERROR(options.CheckKnown(
      "json.",
      {"fail-on-missing-field", "ignore-parse-errors", "timestamp-format.standard",
       "map-null-key.mode", "map-null-key.literal", "encode.decimal-as-plain-number"},
      "format 'json'"));
  JsonDecodeOptions o;
  ASSIGN_OR_RETURN(o.fail_on_missing_field, options.GetBool("json.fail-on-missing-field", false));
  ASSIGN_OR_RETURN(o.ignore_parse_errors, options.GetBool("json.ignore-parse-errors", false));
  if (o.fail_on_missing_field && o.ignore_parse_errors) {
    return Status::InvalidArgument(
        "options 'json.fail-on-missing-field' and 'json.ignore-parse-errors' cannot both be true");
  }
  return o;
}

// 'json.map-null-key.mode' (default FAIL, as in Flink) and 'json.map-null-key.literal' (default
// 'null'): how JSON output writes a MAP entry whose key is NULL.
Result<JsonValueWriter> ParseJsonWriteOptions(const Options& map) {
  ConnectorOptions options(map);
  ASSIGN_OR_RETURN(MapNullKeyMode mode, JsonValueWriter::ParseMapNullKeyMode(
                                            options.GetString("json.map-null-key.mode", "FAIL")));
  return JsonValueWriter(mode, options.GetString("json.map-null-key.literal", "null"));
}

Result<CsvOptions> ParseCsvOptions(const Options& map) {
  ConnectorOptions options(map);
  RETURN_IF_ERROR(
      options.CheckKnown("csv.",
                         {"field-delimiter", "quote-character", "disable-quote-character",
                          "allow-comments", "ignore-parse-errors", "null-literal"},
                         "format 'csv'"));
  CsvOptions o;
  ASSIGN_OR_RETURN(o.field_delimiter, options.GetChar("csv.field-delimiter", ','));
  ASSIGN_OR_RETURN(char quote, options.GetChar("csv.quote-character", '"'));
  ASSIGN_OR_RETURN(bool no_quote, options.GetBool("csv.disable-quote-character", false));
  if (no_quote) {
    o.quote_character.reset();
  } else {
    o.quote_character = quote;
  }
  ASSIGN_OR_RETURN(o.allow_comments, options.GetBool("csv.allow-comments", false));
  ASSIGN_OR_RETURN(o.ignore_parse_errors, options.GetBool("csv.ignore-parse-errors", false));
  if (options.Has("csv.null-literal")) o.null_literal = options.GetString("csv.null-literal");
  return o;
}

Result<DebeziumJsonOptions> ParseDebeziumJsonOptions(const Options& map) {
  ConnectorOptions options(map);
  RETURN_IF_ERROR(options.CheckKnown(
      "debezium-json.",
      {"schema-include", "ignore-parse-errors", "timestamp-format.standard", "map-null-key.mode",
       "map-null-key.literal", "encode.decimal-as-plain-number", "encode.ignore-null-fields"},
      "format 'debezium-json'"));
  DebeziumJsonOptions o;
  ASSIGN_OR_RETURN(o.schema_include, options.GetBool("debezium-json.schema-include", false));
  ASSIGN_OR_RETURN(o.ignore_parse_errors,
                   options.GetBool("debezium-json.ignore-parse-errors", false));
  return o;
}

Result<std::unique_ptr<runtime::RecordDecoder>> CreateDebeziumDecoder(
    const Options& options, SchemaPtr decoded_schema,
    const std::vector<std::string>& metadata_keys) {
  ASSIGN_OR_RETURN(DebeziumJsonOptions o, ParseDebeziumJsonOptions(options));
  std::vector<DebeziumMetadata> metadata(decoded_schema->size(), DebeziumMetadata::kNone);
  for (size_t i = 0; i < metadata_keys.size() && i < metadata.size(); ++i) {
    if (metadata_keys[i].empty()) continue;
    auto m = DebeziumJsonDecoder::ParseMetadataKey(metadata_keys[i]);
    if (!m) {
      return Status::InvalidArgument(
          fmt::format("format 'debezium-json' has no metadata '{}'", metadata_keys[i]));
    }
    metadata[i] = *m;
  }
  return std::unique_ptr<runtime::RecordDecoder>(
      std::make_unique<DebeziumJsonDecoder>(std::move(decoded_schema), std::move(metadata), o));
}

// Formats other than 'json' have no nested values.
Status RefuseNested(const std::string& format, const Schema& schema) {
  for (const Field& f : schema.fields()) {
    if (f.type.is_nested()) {
      return Status::InvalidArgument(fmt::format(
          "format '{}' cannot read column '{}' of type {}; ROW, ARRAY and MAP need 'json'", format,
          f.name, f.type.WithNullable(true).ToString()));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<runtime::RecordDecoder>> FormatFactory::CreateDecoder(
    const Options& options, SchemaPtr decoded_schema, const std::vector<size_t>& decoded_columns,
    size_t num_stored_columns) {
  return CreateDecoder(options, std::move(decoded_schema), decoded_columns, num_stored_columns, {});
}

bool FormatFactory::IsFormatMetadataKey(const Options& options, const std::string& key) {
  auto it = options.find("format");
  return it != options.end() && it->second == "debezium-json" &&
         DebeziumJsonDecoder::ParseMetadataKey(key).has_value();
}

bool FormatFactory::IsChangelogFormat(const Options& options) {
  auto it = options.find("format");
  return it != options.end() && it->second == "debezium-json";
}

Result<std::unique_ptr<runtime::RecordDecoder>> FormatFactory::CreateDecoder(
    const Options& options, SchemaPtr decoded_schema, const std::vector<size_t>& decoded_columns,
    size_t num_stored_columns, const std::vector<std::string>& metadata_keys) {
  ASSIGN_OR_RETURN(std::string format, FormatName(options));
  if (format != "json") RETURN_IF_ERROR(RefuseNested(format, *decoded_schema));
  if (format == "debezium-json") {
    return CreateDebeziumDecoder(options, std::move(decoded_schema), metadata_keys);
  }
  if (format == "json") {
    ASSIGN_OR_RETURN(JsonDecodeOptions o, ParseJsonOptions(options));
    return std::unique_ptr<runtime::RecordDecoder>(
        std::make_unique<JsonDecoder>(std::move(decoded_schema), o));
  }
  ASSIGN_OR_RETURN(CsvOptions o, ParseCsvOptions(options));
  std::vector<size_t> columns = decoded_columns;
  if (columns.empty()) {
    for (size_t i = 0; i < decoded_schema->size(); ++i) columns.push_back(i);
    num_stored_columns = std::max(num_stored_columns, decoded_schema->size());
  }
  for (size_t c : columns) {
    if (c >= num_stored_columns) {
      return Status::Internal(fmt::format("decoded column {} of {} stored", c, num_stored_columns));
    }
  }
  return std::unique_ptr<runtime::RecordDecoder>(std::make_unique<CsvDecoder>(
      std::move(decoded_schema), std::move(columns), num_stored_columns, std::move(o)));
}

Result<std::unique_ptr<runtime::RecordEncoder>> FormatFactory::CreateEncoder(
    const Options& options, std::vector<std::string> field_names) {
  ASSIGN_OR_RETURN(std::string format, FormatName(options));
  if (format == "debezium-json") {
    return Status::InvalidArgument(
        "format 'debezium-json' is read-only here: sinks write 'json' or 'csv'");
  }
  if (format == "json") {
    ASSIGN_OR_RETURN(JsonDecodeOptions o, ParseJsonOptions(options));
    (void)o;
    ASSIGN_OR_RETURN(JsonValueWriter writer, ParseJsonWriteOptions(options));
    return std::unique_ptr<runtime::RecordEncoder>(
        std::make_unique<JsonEncoder>(std::move(field_names), std::move(writer)));
  }
  ASSIGN_OR_RETURN(CsvOptions o, ParseCsvOptions(options));
  return std::unique_ptr<runtime::RecordEncoder>(std::make_unique<CsvEncoder>(std::move(o)));
}

int64_t FormatFactory::IgnoredErrors(const runtime::RecordDecoder& decoder) {
  if (auto* json = dynamic_cast<const JsonDecoder*>(&decoder)) return json->ignored_errors();
  if (auto* csv = dynamic_cast<const CsvDecoder*>(&decoder)) return csv->ignored_errors();
  if (auto* dbz = dynamic_cast<const DebeziumJsonDecoder*>(&decoder)) {
    return dbz->ignored_errors();
  }
  return 0;
}

}  // namespace sluice::connectors
