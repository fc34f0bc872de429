#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "sql/source_pos.h"

namespace sluice::sql {

/// Returns the line `pos.line` of `text` indented by two spaces, a newline, and a caret line
/// whose '^' sits under column `pos.column` (columns count UTF-8 code points; tabs in the source
/// line are kept in the caret line so the caret lines up). Thread-safe.
std::string SourceExcerpt(std::string_view text, SourcePos pos);

/// Returns a kParseError whose message is "<file>:<line>:<col>: <what>", a newline and the
/// SourceExcerpt of `pos`. Thread-safe.
Status ParseErrorAt(std::string_view file, std::string_view text, SourcePos pos,
                    std::string_view what);

}  // namespace sluice::sql
