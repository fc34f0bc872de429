#include "sql/lexer.h"

#include <fmt/format.h>

#include <array>

#include "sql/source_excerpt.h"

namespace sluice::sql {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsWordStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c) || c == '$'; }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string UpperCaseWord(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Returns the character at the start of `s` (a whole UTF-8 sequence) for error messages.
std::string_view FirstCharacter(std::string_view s) {
  size_t n = 1;
  while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
  return s.substr(0, n);
}

}  // namespace

Lexer::Lexer(std::string_view text, std::string file_name)
    : text_(text), file_name_(std::move(file_name)) {}

char Lexer::Peek(size_t ahead) const {
  return offset_ + ahead < text_.size() ? text_[offset_ + ahead] : '\0';
}

void Lexer::Advance() {
  char c = text_[offset_++];
  if (c == '\n') {
    ++pos_.line;
    pos_.column = 1;
  } else if (AtEnd() || (static_cast<unsigned char>(text_[offset_]) & 0xC0) != 0x80) {
    ++pos_.column;
  }
}

Status Lexer::Error(SourcePos pos, std::string_view expected, std::string_view found) const {
  return ParseErrorAt(file_name_, text_, pos,
                      fmt::format("expected {}, found {}", expected, found));
}

Status Lexer::SkipSpaceAndComments() {
  while (!AtEnd()) {
    char c = Peek();
    if (IsSpace(c)) {
      Advance();
    } else if (c == '-' && Peek(1) == '-') {
      while (!AtEnd() && Peek() != '\n') Advance();
    } else if (c == '/' && Peek(1) == '*') {
      SourcePos start = pos_;
      Advance();
      Advance();
      while (!(Peek() == '*' && Peek(1) == '/')) {
        if (AtEnd())
          return Error(start, "'*/' to close the comment that starts here", "end of input");
        Advance();
      }
      Advance();
      Advance();
    } else {
      break;
    }
  }
  return Status::Ok();
}

Status Lexer::LexQuoted(char quote, TokenKind kind, Token* token) {
  size_t start = offset_;
  token->kind = kind;
  Advance();
  while (true) {
    if (AtEnd()) {
      std::string what = kind == TokenKind::kString
                             ? "a closing quote (') for the string that starts here"
                             : "a closing backtick (`) for the name that starts here";
      return Error(token->pos, what, "end of input");
    }
    char c = Peek();
    Advance();
    if (c == quote) {
      if (Peek() != quote) break;
      Advance();
    }
    token->text.push_back(c);
  }
  token->raw = std::string(text_.substr(start, offset_ - start));
  if (kind == TokenKind::kQuotedName && token->text.empty()) {
    return Error(token->pos, "a name between the backticks", "``");
  }
  return Status::Ok();
}

Status Lexer::LexNumber(Token* token) {
  size_t start = offset_;
  token->kind = TokenKind::kInteger;
  while (IsDigit(Peek())) Advance();
  if (Peek() == '.') {
    token->kind = TokenKind::kDecimal;
    Advance();
    while (IsDigit(Peek())) Advance();
  }
  if (Peek() == 'e' || Peek() == 'E') {
    token->kind = TokenKind::kDouble;
    Advance();
    if (Peek() == '+' || Peek() == '-') Advance();
    if (!IsDigit(Peek())) {
      std::string found =
          AtEnd() ? "end of input" : fmt::format("'{}'", FirstCharacter(text_.substr(offset_)));
      return Error(pos_, "the digits of the exponent", found);
    }
    while (IsDigit(Peek())) Advance();
  }
  if (IsWordChar(Peek())) {
    return Error(pos_, "a digit or an operator after the number",
                 fmt::format("'{}'", FirstCharacter(text_.substr(offset_))));
  }
  token->text = std::string(text_.substr(start, offset_ - start));
  token->raw = token->text;
  return Status::Ok();
}

void Lexer::LexWord(Token* token) {
  size_t start = offset_;
  while (IsWordChar(Peek())) Advance();
  token->kind = TokenKind::kWord;
  token->text = std::string(text_.substr(start, offset_ - start));
  token->upper = UpperCaseWord(token->text);
  token->raw = token->text;
}

Status Lexer::LexSymbol(Token* token) {
  static constexpr std::array<std::string_view, 6> kTwoChar = {"<>", "!=", "<=", ">=", "||", "=>"};
  token->kind = TokenKind::kSymbol;
  std::string_view rest = text_.substr(offset_);
  for (std::string_view op : kTwoChar) {
    if (rest.substr(0, 2) == op) {
      token->text = std::string(op);
      break;
    }
  }
  if (token->text.empty()) {
    static constexpr std::string_view kOneChar = "+-*/%=<>(),.;[]";
    if (kOneChar.find(rest[0]) == std::string_view::npos) {
      return Error(pos_, "an SQL token", fmt::format("'{}'", FirstCharacter(rest)));
    }
    token->text = std::string(1, rest[0]);
  }
  for (size_t i = 0; i < token->text.size(); ++i) Advance();
  token->raw = token->text;
  return Status::Ok();
}

Status Lexer::LexToken(Token* token) {
  char c = Peek();
  token->pos = pos_;
  if (c == '\'') return LexQuoted('\'', TokenKind::kString, token);
  if (c == '`') return LexQuoted('`', TokenKind::kQuotedName, token);
  if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return LexNumber(token);
  if (IsWordStart(c)) {
    LexWord(token);
    return Status::Ok();
  }
  return LexSymbol(token);
}

Result<std::vector<Token>> Lexer::Tokenize() {
  std::vector<Token> tokens;
  SourcePos end_pos{1, 1};
  while (true) {
    RETURN_IF_ERROR(SkipSpaceAndComments());
    if (AtEnd()) break;
    Token token;
    RETURN_IF_ERROR(LexToken(&token));
    tokens.push_back(std::move(token));
    end_pos = pos_;
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.pos = end_pos;
  tokens.push_back(std::move(end));
  return tokens;
}

}  // namespace sluice::sql
