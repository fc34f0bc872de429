#pragma once

#include <string>

#include "sql/source_pos.h"

namespace sluice::sql {

enum class TokenKind {
  kWord,        // an unquoted identifier or keyword
  kQuotedName,  // `backtick quoted` identifier
  kString,      // '...' string literal
  kInteger,     // 42
  kDecimal,     // 1.5, .5, 2.
  kDouble,      // 1e3, 1.5E-2
  kSymbol,      // an operator or punctuation: + - * / % || = <> != < <= > >= ( ) , . ; =>
  kEnd,         // end of input
};

/// One lexical token of a pipeline file.
struct Token {
  TokenKind kind = TokenKind::kEnd;
  /// kWord: as written; kQuotedName/kString: the unescaped content; numbers: the digits as
  /// written; kSymbol: the operator.
  std::string text;
  /// kWord: `text` with ASCII letters upper-cased, for keyword comparison; else empty.
  std::string upper;
  /// The source spelling, quotes included, for error messages.
  std::string raw;
  SourcePos pos;
};

}  // namespace sluice::sql
