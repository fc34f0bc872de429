#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/record_decoder.h"
#include "types/schema.h"

namespace sluice::connectors {

/// Options of the 'debezium-json' format (Flink's names, prefixed 'debezium-json.').
struct DebeziumJsonOptions {
  /// 'schema-include': every message is {"schema": ..., "payload": {...}} (Kafka Connect's
  /// JsonConverter with schemas.enable); the schema then tells how temporal and DECIMAL
  /// columns are encoded.
  bool schema_include = false;
  /// 'ignore-parse-errors': bad messages are skipped and counted instead of reported.
  bool ignore_parse_errors = false;
};

/// What a field of the decoded schema holds: a column of the captured row (by name) or one of
/// the message's metadata.
enum class DebeziumMetadata {
  kNone,                // a physical column: before/after.<name>
  kOp,                  // 'op': "c", "r", "u" or "d"
  kSourceTimestamp,     // 'value.source.timestamp' / 'source.ts_ms': source.ts_ms
  kIngestionTimestamp,  // 'value.ingestion-timestamp' / 'ts_ms': ts_ms
  kSourceDatabase,      // 'value.source.database' / 'source.database': source.db
  kSourceSchema,        // 'value.source.schema' / 'source.schema': source.schema
  kSourceTable,         // 'value.source.table' / 'source.table': source.table
  kSourceProperties,    // 'value.source.properties': the source object as JSON text
};

/// Decodes Debezium change events (JSON) into changelog rows, as Flink's 'debezium-json':
/// op "c" and "r" give +I(after), "u" gives -U(before) and +U(after), "d" gives -D(before);
/// an empty message or JSON null (a tombstone) gives nothing. Columns are matched by name in
/// before/after. Debezium's encodings are understood: io.debezium.time.Date (days),
/// Timestamp (ms), MicroTimestamp (us), NanoTimestamp (ns), ZonedTimestamp (ISO text), Kafka
/// Connect's Decimal (base64 two's complement with the schema's scale) and
/// VariableScaleDecimal; without a schema an integer for a TIMESTAMP column is read as ms,
/// us or ns by magnitude (|v| < 1e14 ms, < 1e17 us, else ns) and DECIMAL must be a number or
/// a numeric string. A bad message appends nothing and returns kDataError. Not thread-safe;
/// one per source split or reader.
class DebeziumJsonDecoder : public runtime::RecordDecoder {
 public:
  /// `metadata[i]` says what field i of `schema` holds (empty: every field is physical).
  DebeziumJsonDecoder(SchemaPtr schema, std::vector<DebeziumMetadata> metadata,
                      DebeziumJsonOptions options);
  ~DebeziumJsonDecoder() override;

  Status Decode(std::string_view record, runtime::BatchBuilder* out) override;

  /// Returns the metadata a key names (Flink's 'value.'-prefixed keys, the same without the
  /// prefix, and the short names 'op', 'ts_ms', 'source.ts_ms'), or nullopt.
  static std::optional<DebeziumMetadata> ParseMetadataKey(std::string_view key);

  /// Returns how many messages 'debezium-json.ignore-parse-errors' made this decoder skip.
  int64_t ignored_errors() const { return ignored_errors_; }

 private:
  struct Parser;

  Status DecodeMessage(std::string_view record, runtime::BatchBuilder* out);

  SchemaPtr schema_;
  std::vector<DebeziumMetadata> metadata_;
  DebeziumJsonOptions options_;
  std::unique_ptr<Parser> parser_;
  int64_t ignored_errors_ = 0;
};

}  // namespace sluice::connectors
