#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/token.h"

namespace sluice::sql {

/// Splits a pipeline file into tokens, in Flink SQL's lexical rules: words (keywords are
/// recognised later, case-insensitively, by the parser), `backtick` quoted names (`` doubles a
/// backtick), '...' strings ('' doubles a quote), numbers (42, 1.5, .5, 1e3, 1.5E-3), operators,
/// and `-- line` and `/* block */` comments, which are skipped. Positions are 1-based lines and
/// columns counted in UTF-8 code points.
///
/// Construct one per text; Tokenize() may be called once. Not thread-safe; distinct instances
/// are independent. `text` must outlive the Lexer.
class Lexer {
 public:
  /// `file_name` only prefixes error messages.
  Lexer(std::string_view text, std::string file_name);

  /// Returns the tokens, the last one of kind kEnd (positioned just after the last token), or a
  /// kParseError "<file>:<line>:<col>: expected ..., found ..." with a source excerpt.
  Result<std::vector<Token>> Tokenize();

 private:
  char Peek(size_t ahead = 0) const;
  bool AtEnd() const { return offset_ >= text_.size(); }
  void Advance();
  Status Error(SourcePos pos, std::string_view expected, std::string_view found) const;
  Status SkipSpaceAndComments();
  Status LexQuoted(char quote, TokenKind kind, Token* token);
  Status LexNumber(Token* token);
  void LexWord(Token* token);
  Status LexSymbol(Token* token);
  Status LexToken(Token* token);

  std::string_view text_;
  std::string file_name_;
  size_t offset_ = 0;
  SourcePos pos_{1, 1};
};

}  // namespace sluice::sql
