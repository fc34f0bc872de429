#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/record_decoder.h"
#include "types/schema.h"

namespace sluice::connectors {

/// Creates record decoders and encoders from a table's options: 'format' names the format
/// ('json', 'csv' or 'debezium-json', which decodes only) and options prefixed by that name
/// configure it, as in Flink. Unknown options of the chosen format are rejected. Stateless;
/// thread-safe.
class FormatFactory {
 public:
  /// Returns a decoder producing rows of `decoded_schema`. `decoded_columns[i]` is the position
  /// of decoded field i in the table's stored schema of `num_stored_columns` columns (CSV is
  /// positional); empty means the decoded schema is the stored schema.
  static Result<std::unique_ptr<runtime::RecordDecoder>> CreateDecoder(
      const std::map<std::string, std::string>& options, SchemaPtr decoded_schema,
      const std::vector<size_t>& decoded_columns, size_t num_stored_columns);

  /// Same, where `metadata_keys[i]` (when not empty) is the metadata key of decoded field i, a
  /// key IsFormatMetadataKey accepted: the format fills that column from the record.
  static Result<std::unique_ptr<runtime::RecordDecoder>> CreateDecoder(
      const std::map<std::string, std::string>& options, SchemaPtr decoded_schema,
      const std::vector<size_t>& decoded_columns, size_t num_stored_columns,
      const std::vector<std::string>& metadata_keys);

  /// Returns true when the format of `options` fills metadata column `key` itself
  /// (debezium-json's 'value.source.timestamp', 'op', ...), so the connector passes that column
  /// to the decoder.
  static bool IsFormatMetadataKey(const std::map<std::string, std::string>& options,
                                  const std::string& key);

  /// Returns true when the format of `options` produces a changelog (updates and deletes).
  static bool IsChangelogFormat(const std::map<std::string, std::string>& options);

  /// Returns an encoder for rows whose fields are named `field_names`.
  static Result<std::unique_ptr<runtime::RecordEncoder>> CreateEncoder(
      const std::map<std::string, std::string>& options, std::vector<std::string> field_names);

  /// Returns the error counter of a decoder made here ('*.ignore-parse-errors' skips).
  static int64_t IgnoredErrors(const runtime::RecordDecoder& decoder);
};

}  // namespace sluice::connectors
