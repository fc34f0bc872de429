#pragma once

#include <optional>
#include <string>

namespace sluice::connectors {

/// Options of the 'csv' format, Flink's names: 'csv.field-delimiter' (default ','),
/// 'csv.quote-character' ('"'), 'csv.disable-quote-character', 'csv.allow-comments' ('#' lines
/// are skipped), 'csv.ignore-parse-errors', 'csv.null-literal' (text that stands for NULL).
struct CsvOptions {
  char field_delimiter = ',';
  std::optional<char> quote_character = '"';
  bool allow_comments = false;
  bool ignore_parse_errors = false;
  std::optional<std::string> null_literal;
};

}  // namespace sluice::connectors
