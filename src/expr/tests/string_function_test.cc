#include "expr/tests/expr_test_support.h"

namespace sluice::expr {
namespace {

using namespace testing;  // NOLINT

TEST(StringFunctionTest, ReplaceReplacesEveryOccurrenceLeftToRight) {
  EXPECT_EQ(Eval1(Fn("REPLACE", {Str("abcabc"), Str("c"), Str("")})), "abab");
  EXPECT_EQ(Eval1(Fn("REPLACE", {Str("aaaa"), Str("aa"), Str("b")})), "bb");
  EXPECT_EQ(Eval1(Fn("REPLACE", {Str("a-b-c"), Str("-"), Str("--")})), "a--b--c");
  EXPECT_EQ(Eval1(Fn("REPLACE", {Str("abc"), Str("x"), Str("y")})), "abc");
  EXPECT_EQ(Eval1(Fn("REPLACE", {Str("abc"), Str(""), Str("y")})), "abc");
  EXPECT_EQ(Eval1(Fn("REPLACE", {Null(LogicalType::String()), Str("a"), Str("b")})), "null");
}

TEST(StringFunctionTest, CaseTrimConcat) {
  EXPECT_EQ(Eval1(Fn("UPPER", {Str("abC1")})), "ABC1");
  EXPECT_EQ(Eval1(Fn("LOWER", {Str("AbC")})), "abc");
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("BOTH"), Str(" "), Str("  a b  ")})), "a b");
  EXPECT_EQ(Eval1(Fn("CONCAT", {Str("a"), Str("b"), Str("c")})), "abc");
  EXPECT_EQ(Eval1(Fn("CONCAT", {Str("a"), Null(LogicalType::String())})), "null");
  EXPECT_EQ(Eval1(Fn("UPPER", {Null(LogicalType::String())})), "null");
}

// TRIM arrives as the parser writes it: [mode literal, characters to remove, string].
TEST(StringFunctionTest, TrimBothRemovesTheCharactersFromEachEnd) {
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("BOTH"), Str(" "), Str("  a b  ")})), "a b");
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("BOTH"), Str("x"), Str("xxaxbxx")})), "axb");
  // Every character of the set counts, in any order.
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("BOTH"), Str("-+"), Str("+-+a-b+-")})), "a-b");
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("BOTH"), Str("x"), Str("xxx")})), "");
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("BOTH"), Str(""), Str(" a ")})), " a ");
  // Characters, not bytes: 'é' is removed whole and does not match the 'e' of the string.
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("BOTH"), Str("é"), Str("ééheé")})), "he");
}

TEST(StringFunctionTest, TrimLeadingRemovesOnlyFromTheStart) {
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("LEADING"), Str(" "), Str("  a b  ")})), "a b  ");
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("LEADING"), Str("0"), Str("00120")})), "120");
}

TEST(StringFunctionTest, TrimTrailingRemovesOnlyFromTheEnd) {
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("TRAILING"), Str(" "), Str("  a b  ")})), "  a b");
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("TRAILING"), Str("0"), Str("00120")})), "0012");
}

TEST(StringFunctionTest, TrimOfNullIsNull) {
  const LogicalType s = LogicalType::String();
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("BOTH"), Str(" "), Null(s)})), "null");
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("LEADING"), Null(s), Str(" a")})), "null");
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("TRAILING"), Str(" "), Null()})), "null");
}

TEST(StringFunctionTest, TrimOverAColumn) {
  Batch b = MakeBatch({"1", "2", "3"}, {"0", "0", "0"}, {"..a.", "null", "b"});
  auto e = Fn("TRIM", {Str("TRAILING"), Str("."), Col(2, LogicalType::String())});
  EXPECT_EQ(*EvalText(e, &b), (std::vector<std::string>{"..a", "null", "b"}));
}

TEST(StringFunctionTest, TrimRejectsOtherArgumentLists) {
  FunctionRegistry r;
  EXPECT_FALSE(r.ResolveScalar("TRIM", {LogicalType::String()}).ok());
  EXPECT_FALSE(
      r.ResolveScalar("TRIM", {LogicalType::String(), LogicalType::Int(), LogicalType::String()})
          .ok());
  auto bad_mode = Fn("TRIM", {Str("MIDDLE"), Str(" "), Str(" a ")});
  EXPECT_NE(Eval1(bad_mode).find("ERROR"), std::string::npos);
}

TEST(StringFunctionTest, SubstringAndCharLengthCountCharacters) {
  EXPECT_EQ(Eval1(Fn("SUBSTRING", {Str("hello"), Int(2), Int(3)})), "ell");
  EXPECT_EQ(Eval1(Fn("SUBSTRING", {Str("hello"), Int(3)})), "llo");
  EXPECT_EQ(Eval1(Fn("SUBSTRING", {Str("hello"), Int(4), Int(10)})), "lo");
  EXPECT_EQ(Eval1(Fn("SUBSTRING", {Str("héllo"), Int(2), Int(2)})), "él");
  EXPECT_EQ(Eval1(Fn("SUBSTRING", {Str("hello"), Int(9)})), "");
  EXPECT_EQ(Eval1(Fn("CHAR_LENGTH", {Str("héllo")})), "5");
  EXPECT_EQ(Eval1(Fn("CHAR_LENGTH", {Str("")})), "0");
}

TEST(StringFunctionTest, RegexpExtract) {
  EXPECT_EQ(Eval1(Fn("REGEXP_EXTRACT", {Str("foo123bar"), Str("([a-z]+)(\\d+)"), Int(2)})), "123");
  EXPECT_EQ(Eval1(Fn("REGEXP_EXTRACT", {Str("foo123bar"), Str("\\d+")})), "123");
  EXPECT_EQ(Eval1(Fn("REGEXP_EXTRACT", {Str("foo"), Str("\\d+")})), "null");
  EXPECT_EQ(Eval1(Fn("REGEXP_EXTRACT", {Str("foo"), Str("(")})), "null");  // bad pattern
  Batch b = MakeBatch({"1", "2"}, {"0", "0"}, {"id=42;", "nothing"});
  auto e = Fn("REGEXP_EXTRACT", {Col(2, LogicalType::String()), Str("id=(\\d+)"), Int(1)});
  EXPECT_EQ(*EvalText(e, &b), (std::vector<std::string>{"42", "null"}));
}

TEST(StringFunctionTest, JsonValue) {
  std::string j = R"({"a":{"b":"x","n":12.5,"t":true,"arr":[1,2]},"z":null})";
  EXPECT_EQ(Eval1(Fn("JSON_VALUE", {Str(j), Str("$.a.b")})), "x");
  EXPECT_EQ(Eval1(Fn("JSON_VALUE", {Str(j), Str("$.a.n")})), "12.5");
  EXPECT_EQ(Eval1(Fn("JSON_VALUE", {Str(j), Str("$.a.t")})), "true");
  EXPECT_EQ(Eval1(Fn("JSON_VALUE", {Str(j), Str("$.a.arr[1]")})), "2");
  EXPECT_EQ(Eval1(Fn("JSON_VALUE", {Str(j), Str("$.a.arr")})), "null");
  EXPECT_EQ(Eval1(Fn("JSON_VALUE", {Str(j), Str("$.missing")})), "null");
  EXPECT_EQ(Eval1(Fn("JSON_VALUE", {Str(j), Str("$.z")})), "null");
  EXPECT_EQ(Eval1(Fn("JSON_VALUE", {Str("not json"), Str("$.a")})), "null");
}

}  // namespace
}  // namespace sluice::expr
