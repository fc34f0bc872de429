#include "sql/source_excerpt.h"

#include <fmt/format.h>

namespace sluice::sql {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string_view LineAt(std::string_view text, int line) {
  size_t begin = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = text.find('\n', begin);
    if (nl == std::string_view::npos) return {};
    begin = nl + 1;
  }
  size_t end = text.find('\n', begin);
  std::string_view result = text.substr(begin, end == std::string_view::npos ? end : end - begin);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  return result;
}

}  // namespace

std::string SourceExcerpt(std::string_view text, SourcePos pos) {
  std::string_view line = LineAt(text, pos.line);
  std::string caret = "  ";
  int column = 1;
  for (size_t i = 0; i < line.size() && column < pos.column; ++i) {
    if (IsContinuationByte(line[i])) continue;
    caret.push_back(line[i] == '\t' ? '\t' : ' ');
    ++column;
  }
  for (; column < pos.column; ++column) caret.push_back(' ');
  caret.push_back('^');
  return fmt::format("  {}\n{}", line, caret);
}

Status ParseErrorAt(std::string_view file, std::string_view text, SourcePos pos,
                    std::string_view what) {
  return Status::ParseError(
      fmt::format("{}:{}:{}: {}\n{}", file, pos.line, pos.column, what, SourceExcerpt(text, pos)));
}

}  // namespace sluice::sql
