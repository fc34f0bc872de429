#pragma once

#include <cstdint>
#include <string>

#include "types/column.h"

namespace sluice {

/// Appends the text of row `row` of `column` as Flink prints it: "null", "true", integers,
/// doubles in shortest round-trip form with ".0" for whole numbers, DECIMAL with exactly `scale`
/// fraction digits, TIMESTAMP(p) as "yyyy-MM-dd HH:mm:ss.fff", DATE as "yyyy-MM-dd", strings raw,
/// ROW as "+I[v1, v2]", ARRAY as "[v1, v2]", MAP as "{k1=v1, k2=v2}" (as Flink's Row prints them).
void AppendCellText(const Column& column, size_t row, std::string* out);

/// Returns a double as Flink prints it (shortest round-trip, "1.0" for one, "NaN", "Infinity").
std::string FormatDouble(double v);
/// Returns a FLOAT as Flink prints it: the shortest text that reads back as the same float.
std::string FormatFloat(float v);
/// Returns an unscaled DECIMAL value as text with exactly `scale` fraction digits.
std::string FormatDecimal(int64_t unscaled, int scale);

}  // namespace sluice
