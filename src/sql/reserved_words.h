#pragma once

#include <string_view>

namespace sluice::sql {

/// Returns true when `upper` (an upper-cased word) is one of Flink SQL's reserved words, which
/// cannot be used as a table, column or alias name unless written in backticks. Thread-safe.
bool IsReservedWord(std::string_view upper);

/// Returns true when the reserved word `upper` is also the name of a built-in function, so that
/// `upper(` starts a function call (COUNT, SUM, UPPER, FLOOR, HOUR, ...). Thread-safe.
bool IsReservedFunctionName(std::string_view upper);

/// Returns true when the reserved word `upper` starts or joins clauses (SELECT, FROM, WHERE,
/// AND, ...), so that it is surely not meant as a name; error messages suggest backticks only
/// for the other reserved words (timestamp, value, count, ...). Thread-safe.
bool IsClauseKeyword(std::string_view upper);

}  // namespace sluice::sql
