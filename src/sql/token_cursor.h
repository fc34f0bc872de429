#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/token.h"

namespace sluice::sql {

/// Walks the tokens of one pipeline file for the recursive-descent parsers and builds their
/// error messages: "<file>:<line>:<col>: expected <what>, found <token>" and a source excerpt.
/// Also bounds the nesting depth so that hostile input cannot overflow the stack.
///
/// Holds references to the tokens, file name and text, which must outlive it. Not thread-safe.
class TokenCursor {
 public:
  /// The deepest nesting of parentheses, expressions and queries accepted.
  static constexpr int kMaxDepth = 200;

  /// `tokens` must end with a kEnd token.
  TokenCursor(const std::vector<Token>& tokens, std::string_view file_name, std::string_view text);

  /// Returns the token `ahead` tokens after the current one (kEnd past the end).
  const Token& Peek(size_t ahead = 0) const;
  /// Returns the current token and moves past it (stays on kEnd).
  const Token& Next();
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }

  /// Returns true when the token `ahead` is the unquoted word `upper` (any case in the source).
  bool IsKeyword(std::string_view upper, size_t ahead = 0) const;
  /// Returns true when the token `ahead` is the operator or punctuation `symbol`.
  bool IsSymbol(std::string_view symbol, size_t ahead = 0) const;
  /// Moves past the current token and returns true when it is the keyword `upper`.
  bool AcceptKeyword(std::string_view upper);
  /// Moves past the current token and returns true when it is `symbol`.
  bool AcceptSymbol(std::string_view symbol);
  /// Moves past the keyword `upper`, or returns "expected 'UPPER', found ...".
  Status ExpectKeyword(std::string_view upper);
  /// Moves past `symbol`, or returns "expected 'symbol', found ...".
  Status ExpectSymbol(std::string_view symbol);

  /// Returns true when the current token can be a name: a backtick-quoted name, or a word that
  /// is not reserved.
  bool AtName(size_t ahead = 0) const;
  /// Moves past a name and returns it, or returns "expected <what>, found ..." (suggesting
  /// backticks when the token is a reserved word).
  Result<std::string> ExpectName(std::string_view what);
  /// Moves past a string literal and returns its content, or returns an error naming `what`.
  Result<std::string> ExpectString(std::string_view what);

  /// Returns "expected <what>, found <current token>" at the current token.
  Status ErrorHere(std::string_view what) const { return ErrorAt(Peek(), what); }
  /// Returns "expected <what>, found <token>" at `token`.
  Status ErrorAt(const Token& token, std::string_view what) const;
  /// Returns "expected <what>, found <found>" at `pos`.
  Status ErrorAt(SourcePos pos, std::string_view what, std::string_view found) const;

  /// Returns how `token` is named in "found ..." ('FROM', string 'abc', end of input).
  static std::string Describe(const Token& token);

  /// Counts one level of nesting for its lifetime; status() is an error past kMaxDepth.
  class NestingGuard {
   public:
    explicit NestingGuard(TokenCursor& cursor);
    ~NestingGuard() { --cursor_.depth_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;
    Status status() const;

   private:
    TokenCursor& cursor_;
  };

 private:
  const std::vector<Token>& tokens_;
  std::string_view file_name_;
  std::string_view text_;
  size_t index_ = 0;
  int depth_ = 0;
};

}  // namespace sluice::sql
