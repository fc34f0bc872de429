#include "sql/token_cursor.h"

#include <fmt/format.h>

#include "sql/reserved_words.h"
#include "sql/source_excerpt.h"

namespace sluice::sql {

TokenCursor::TokenCursor(const std::vector<Token>& tokens, std::string_view file_name,
                         std::string_view text)
    : tokens_(tokens), file_name_(file_name), text_(text) {}

const Token& TokenCursor::Peek(size_t ahead) const {
  size_t i = index_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

const Token& TokenCursor::Next() {
  const Token& token = Peek();
  if (index_ + 1 < tokens_.size()) ++index_;
  return token;
}

bool TokenCursor::IsKeyword(std::string_view upper, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == TokenKind::kWord && t.upper == upper;
}

bool TokenCursor::IsSymbol(std::string_view symbol, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == TokenKind::kSymbol && t.text == symbol;
}

bool TokenCursor::AcceptKeyword(std::string_view upper) {
  if (!IsKeyword(upper)) return false;
  Next();
  return true;
}

bool TokenCursor::AcceptSymbol(std::string_view symbol) {
  if (!IsSymbol(symbol)) return false;
  Next();
  return true;
}

Status TokenCursor::ExpectKeyword(std::string_view upper) {
  if (AcceptKeyword(upper)) return Status::Ok();
  return ErrorHere(fmt::format("'{}'", upper));
}

Status TokenCursor::ExpectSymbol(std::string_view symbol) {
  if (AcceptSymbol(symbol)) return Status::Ok();
  return ErrorHere(fmt::format("'{}'", symbol));
}

bool TokenCursor::AtName(size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == TokenKind::kQuotedName ||
         (t.kind == TokenKind::kWord && !IsReservedWord(t.upper));
}

Result<std::string> TokenCursor::ExpectName(std::string_view what) {
  if (AtName()) return Next().text;
  const Token& t = Peek();
  if (t.kind == TokenKind::kWord && !IsClauseKeyword(t.upper)) {
    return ErrorAt(
        t.pos, what,
        fmt::format("'{}' (a reserved word; write `{}` in backticks to use it as a name)", t.raw,
                    t.text));
  }
  return ErrorHere(what);
}

Result<std::string> TokenCursor::ExpectString(std::string_view what) {
  if (Peek().kind == TokenKind::kString) return Next().text;
  return ErrorHere(what);
}

std::string TokenCursor::Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kString:
      return fmt::format("string {}", token.raw);
    default:
      return fmt::format("'{}'", token.raw);
  }
}

Status TokenCursor::ErrorAt(const Token& token, std::string_view what) const {
  return ErrorAt(token.pos, what, Describe(token));
}

Status TokenCursor::ErrorAt(SourcePos pos, std::string_view what, std::string_view found) const {
  return ParseErrorAt(file_name_, text_, pos, fmt::format("expected {}, found {}", what, found));
}

TokenCursor::NestingGuard::NestingGuard(TokenCursor& cursor) : cursor_(cursor) { ++cursor_.depth_; }

Status TokenCursor::NestingGuard::status() const {
  if (cursor_.depth_ <= kMaxDepth) return Status::Ok();
  return cursor_.ErrorHere(fmt::format("at most {} levels of nesting", kMaxDepth));
}

}  // namespace sluice::sql
