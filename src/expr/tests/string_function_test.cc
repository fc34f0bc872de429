#include "expr/tests/expr_test_support.h"

namespace sluice::expr {
namespace {

using namespace testing;  // NOLINT

TEST(StringFunctionTest, CaseTrimConcat) {
  EXPECT_EQ(Eval1(Fn("UPPER", {Str("abC1")})), "ABC1");
  EXPECT_EQ(Eval1(Fn("LOWER", {Str("AbC")})), "abc");
  EXPECT_EQ(Eval1(Fn("TRIM", {Str("  a b  ")})), "a b");
  EXPECT_EQ(Eval1(Fn("CONCAT", {Str("a"), Str("b"), Str("c")})), "abc");
  EXPECT_EQ(Eval1(Fn("CONCAT", {Str("a"), Null(LogicalType::String())})), "null");
  EXPECT_EQ(Eval1(Fn("UPPER", {Null(LogicalType::String())})), "null");
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
