#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "types/column.h"

namespace sluice::connectors {

/// Parsing of values written as text (CSV fields, JSON strings and number tokens) into the
/// physical representation of a column. Pure functions; thread-safe.

/// Parses a decimal number ("-12.345", "+7", "1.5e3", ".5") exactly into an unscaled value at
/// `scale`, rounding half away from zero as Flink does. Returns nullopt when `text` is not a
/// number or the value needs more than `precision` digits.
std::optional<int64_t> ParseDecimalText(std::string_view text, int precision, int scale);

/// Parses a base-10 integer with an optional sign; surrounding blanks are ignored.
std::optional<int64_t> ParseIntegerText(std::string_view text);

/// Parses a floating-point number, also "NaN", "Infinity" and "-Infinity" as Java writes them.
std::optional<double> ParseDoubleText(std::string_view text);

/// Parses "true" or "false", in any case.
std::optional<bool> ParseBooleanText(std::string_view text);

/// Truncates epoch milliseconds to TIMESTAMP(`precision`) (precision 0-2 drops digits).
int64_t TruncateMillis(int64_t millis, int precision);

/// Returns `text` without leading and trailing blanks (space, tab, CR, LF).
std::string_view TrimBlanks(std::string_view text);

/// Appends the value that `text` spells to `column` (of any type). Returns kDataError naming
/// `field` and the expected type when the text is not such a value; appends nothing then.
Status AppendValueFromText(std::string_view text, std::string_view field, Column* column);

/// Returns the kDataError for field `field` whose value `raw` is not a `type`.
Status WrongTypeError(std::string_view field, const LogicalType& type, std::string_view raw);

}  // namespace sluice::connectors
