#include "sql/lexer.h"

#include <gtest/gtest.h>

namespace sluice::sql {
namespace {

std::vector<Token> Lex(std::string_view text) {
  auto result = Lexer(text, "t.sql").Tokenize();
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : std::vector<Token>{};
}

std::string LexError(std::string_view text) {
  auto result = Lexer(text, "t.sql").Tokenize();
  EXPECT_FALSE(result.ok());
  if (result.ok()) return "";
  EXPECT_EQ(result.status().code(), StatusCode::kParseError);
  return result.status().message();
}

TEST(LexerTest, SplitsWordsSymbolsAndPositions) {
  auto t = Lex("SELECT a,b\n  FROM `my tbl`;");
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[0].kind, TokenKind::kWord);
  EXPECT_EQ(t[0].upper, "SELECT");
  EXPECT_EQ(t[0].pos.line, 1);
  EXPECT_EQ(t[0].pos.column, 1);
  EXPECT_EQ(t[1].text, "a");
  EXPECT_EQ(t[1].pos.column, 8);
  EXPECT_EQ(t[2].kind, TokenKind::kSymbol);
  EXPECT_EQ(t[2].text, ",");
  EXPECT_EQ(t[2].pos.column, 9);
  EXPECT_EQ(t[3].pos.column, 10);
  EXPECT_EQ(t[4].upper, "FROM");
  EXPECT_EQ(t[4].pos.line, 2);
  EXPECT_EQ(t[4].pos.column, 3);
  EXPECT_EQ(t[5].kind, TokenKind::kQuotedName);
  EXPECT_EQ(t[5].text, "my tbl");
  EXPECT_EQ(t[5].raw, "`my tbl`");
  EXPECT_EQ(t[5].pos.column, 8);
  EXPECT_EQ(t[6].text, ";");
  EXPECT_EQ(t[6].pos.column, 16);
  // The end token sits just after the last token.
  EXPECT_EQ(t[7].kind, TokenKind::kEnd);
  EXPECT_EQ(t[7].pos.line, 2);
  EXPECT_EQ(t[7].pos.column, 17);
}

TEST(LexerTest, KeywordsKeepTheirSpellingAndGetAnUpperForm) {
  auto t = Lex("sElEcT Value");
  EXPECT_EQ(t[0].text, "sElEcT");
  EXPECT_EQ(t[0].upper, "SELECT");
  EXPECT_EQ(t[1].text, "Value");
  EXPECT_EQ(t[1].upper, "VALUE");
}

TEST(LexerTest, StringsAndQuotedNamesUnescapeDoubledQuotes) {
  auto t = Lex("'it''s' `a``b` ''");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].kind, TokenKind::kString);
  EXPECT_EQ(t[0].text, "it's");
  EXPECT_EQ(t[0].raw, "'it''s'");
  EXPECT_EQ(t[1].kind, TokenKind::kQuotedName);
  EXPECT_EQ(t[1].text, "a`b");
  EXPECT_EQ(t[2].kind, TokenKind::kString);
  EXPECT_EQ(t[2].text, "");
}

TEST(LexerTest, StringsMaySpanLines) {
  auto t = Lex("'a\nb' x");
  EXPECT_EQ(t[0].text, "a\nb");
  EXPECT_EQ(t[1].pos.line, 2);
  EXPECT_EQ(t[1].pos.column, 4);
}

TEST(LexerTest, Numbers) {
  auto t = Lex("42 1.5 .5 2. 1e3 1.5E-3 7e+2");
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[0].kind, TokenKind::kInteger);
  EXPECT_EQ(t[0].text, "42");
  EXPECT_EQ(t[1].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[1].text, "1.5");
  EXPECT_EQ(t[2].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[2].text, ".5");
  EXPECT_EQ(t[3].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[3].text, "2.");
  EXPECT_EQ(t[4].kind, TokenKind::kDouble);
  EXPECT_EQ(t[4].text, "1e3");
  EXPECT_EQ(t[5].kind, TokenKind::kDouble);
  EXPECT_EQ(t[5].text, "1.5E-3");
  EXPECT_EQ(t[6].kind, TokenKind::kDouble);
}

TEST(LexerTest, Operators) {
  auto t = Lex("+ - * / % || = <> != < <= > >= ( ) , . ; =>");
  std::vector<std::string> expected = {"+",  "-", "*",  "/", "%", "||", "=", "<>", "!=", "<",
                                       "<=", ">", ">=", "(", ")", ",",  ".", ";",  "=>"};
  ASSERT_EQ(t.size(), expected.size() + 1);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(t[i].kind, TokenKind::kSymbol);
    EXPECT_EQ(t[i].text, expected[i]);
  }
  // No space needed between operators and operands.
  auto u = Lex("a<=b||'x'");
  ASSERT_EQ(u.size(), 6u);
  EXPECT_EQ(u[1].text, "<=");
  EXPECT_EQ(u[3].text, "||");
}

TEST(LexerTest, SkipsComments) {
  auto t = Lex("-- heading\nSELECT /* inline\n comment */ 1 -- trailing\n");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].upper, "SELECT");
  EXPECT_EQ(t[0].pos.line, 2);
  EXPECT_EQ(t[1].text, "1");
  EXPECT_EQ(t[1].pos.line, 3);
  EXPECT_EQ(t[1].pos.column, 13);
  // A lone '-' followed by '-' is a comment, so "a - -1" needs a space.
  EXPECT_EQ(Lex("a --1").size(), 2u);
  EXPECT_EQ(Lex("a - -1").size(), 5u);
}

TEST(LexerTest, ColumnsCountCharactersNotBytes) {
  // 'é' is two bytes in UTF-8 but one column.
  auto t = Lex("'café' x");
  EXPECT_EQ(t[1].pos.column, 8);
}

TEST(LexerTest, EmptyInputIsJustEnd) {
  auto t = Lex("  -- nothing\n");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].kind, TokenKind::kEnd);
  EXPECT_EQ(t[0].pos.line, 1);
  EXPECT_EQ(t[0].pos.column, 1);
}

TEST(LexerTest, UnterminatedStringPointsAtItsStart) {
  EXPECT_EQ(LexError("SET 'a = 1"),
            "t.sql:1:5: expected a closing quote (') for the string that starts here, found end "
            "of input\n"
            "  SET 'a = 1\n"
            "      ^");
}

TEST(LexerTest, UnterminatedCommentAndQuotedName) {
  EXPECT_EQ(LexError("a\n /* x"),
            "t.sql:2:2: expected '*/' to close the comment that starts here, found end of input\n"
            "   /* x\n"
            "   ^");
  EXPECT_EQ(LexError("`abc"),
            "t.sql:1:1: expected a closing backtick (`) for the name that starts here, found end "
            "of input\n"
            "  `abc\n"
            "  ^");
}

TEST(LexerTest, RejectsStrayCharacters) {
  EXPECT_EQ(LexError("a # b"),
            "t.sql:1:3: expected an SQL token, found '#'\n"
            "  a # b\n"
            "    ^");
  EXPECT_EQ(LexError("a ! b"),
            "t.sql:1:3: expected an SQL token, found '!'\n"
            "  a ! b\n"
            "    ^");
}

TEST(LexerTest, RejectsMalformedNumbers) {
  EXPECT_EQ(LexError("1e+"),
            "t.sql:1:4: expected the digits of the exponent, found end of input\n"
            "  1e+\n"
            "     ^");
  EXPECT_EQ(LexError("x = 12ab"),
            "t.sql:1:7: expected a digit or an operator after the number, found 'a'\n"
            "  x = 12ab\n"
            "        ^");
}

TEST(LexerTest, CaretLineKeepsTabs) {
  EXPECT_EQ(LexError("\tx #"),
            "t.sql:1:4: expected an SQL token, found '#'\n"
            "  \tx #\n"
            "  \t  ^");
}

}  // namespace
}  // namespace sluice::sql
