#pragma once

#include <string>
#include <string_view>

namespace sluice {

/// Appends `text` to `out` as a JSON string literal: in double quotes, with `"` and `\` escaped,
/// \n \r \t \b \f written as such, other control characters as \u00XX, and every other byte
/// (UTF-8 included) as it is.
void AppendJsonString(std::string_view text, std::string* out);

/// Returns `text` as a JSON string literal (see AppendJsonString).
std::string JsonString(std::string_view text);

}  // namespace sluice
