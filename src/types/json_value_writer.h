#pragma once

#include <string>

#include "common/status.h"
#include "types/column.h"

namespace sluice {

/// What to do with a MAP entry whose key is NULL when writing JSON, as Flink's
/// 'json.map-null-key.mode' names it.
enum class MapNullKeyMode {
  kFail,     // 'FAIL': the value cannot be written (a data error)
  kDrop,     // 'DROP': the entry is left out
  kLiteral,  // 'LITERAL': the key is written as the literal text
};

/// Writes single cells as JSON values, as Flink's 'json' format writes them: numbers and DECIMAL
/// as JSON numbers, BOOLEAN as true/false, TIMESTAMP as "yyyy-MM-dd HH:mm:ss.SSS" (TIMESTAMP_LTZ
/// with a trailing 'Z'), DATE as "yyyy-MM-dd", NaN and infinities as strings, NULL as null, ROW as
/// an object, ARRAY as an array, MAP as an object (keys as text; NULL keys per the mode).
/// Immutable after construction and thread-safe.
class JsonValueWriter {
 public:
  explicit JsonValueWriter(MapNullKeyMode map_null_key_mode = MapNullKeyMode::kLiteral,
                           std::string map_null_key_literal = "null");

  /// Parses Flink's 'json.map-null-key.mode' value (FAIL, DROP or LITERAL, any case).
  static Result<MapNullKeyMode> ParseMapNullKeyMode(std::string_view text);

  /// Appends row `row` of `col` as a JSON value. Returns kDataError naming the MAP when a key is
  /// NULL and the mode is kFail (`out` then holds a partial value).
  [[nodiscard]] Status Append(const Column& col, size_t row, std::string* out) const;

 private:
  Status AppendNested(const Column& col, size_t row, std::string* out) const;
  Status AppendMapKey(const Column& keys, size_t entry, const LogicalType& map,
                      std::string* out) const;

  MapNullKeyMode map_null_key_mode_;
  std::string map_null_key_literal_;
};

}  // namespace sluice
