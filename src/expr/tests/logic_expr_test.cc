#include "expr/tests/expr_test_support.h"

namespace sluice::expr {
namespace {

using namespace testing;  // NOLINT

TEST(LogicExprTest, ThreeValuedAndOrNot) {
  auto n = Null(LogicalType::Boolean());
  EXPECT_EQ(Eval1(Fn("AND", {Bool(true), n})), "null");
  EXPECT_EQ(Eval1(Fn("AND", {Bool(false), n})), "false");
  EXPECT_EQ(Eval1(Fn("AND", {n, Bool(false)})), "false");
  EXPECT_EQ(Eval1(Fn("OR", {Bool(true), n})), "true");
  EXPECT_EQ(Eval1(Fn("OR", {n, Bool(true)})), "true");
  EXPECT_EQ(Eval1(Fn("OR", {Bool(false), n})), "null");
  EXPECT_EQ(Eval1(Fn("NOT", {n})), "null");
  EXPECT_EQ(Eval1(Fn("NOT", {Bool(false)})), "true");
}

TEST(LogicExprTest, AndSkipsTheRightSideWhereTheLeftIsFalse) {
  // a <> 0 AND 10 / a > 1 must not divide by the zero in row 0.
  Batch b = MakeBatch({"0", "5", "20"}, {"0", "0", "0"}, {"", "", ""});
  auto a = Col(0, LogicalType::BigInt());
  auto e = Fn("AND", {Fn("<>", {a, Big(0)}), Fn(">", {Fn("/", {Big(10), a}), Big(1)})});
  auto r = EvalText(e, &b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<std::string>{"false", "true", "false"}));
}

TEST(LogicExprTest, ComparisonsAcrossTypes) {
  EXPECT_EQ(Eval1(Fn("<", {Int(1), Dbl(1.5)})), "true");
  EXPECT_EQ(Eval1(Fn("=", {Dec(150, 3, 2), Dbl(1.5)})), "true");
  EXPECT_EQ(Eval1(Fn("=", {Dec(150, 3, 2), Dec(15, 2, 1)})), "true");
  EXPECT_EQ(Eval1(Fn(">=", {Str("b"), Str("abc")})), "true");
  EXPECT_EQ(Eval1(Fn("<>", {Bool(true), Bool(false)})), "true");
  EXPECT_EQ(Eval1(Fn("=", {Int(1), Null(LogicalType::Int())})), "null");
  auto ltz = sql::MakeLiteral(Value::Int64(LogicalType::TimestampLtz(3), 1000));
  auto ts = sql::MakeLiteral(Value::Int64(LogicalType::Timestamp(3), 1000));
  EXPECT_EQ(Eval1(Fn("=", {ts, ltz})), "true");
}

TEST(LogicExprTest, IsNullInAndLike) {
  EXPECT_EQ(Eval1(Fn("IS_NULL", {Null(LogicalType::Int())})), "true");
  EXPECT_EQ(Eval1(Fn("IS_NOT_NULL", {Null(LogicalType::Int())})), "false");
  EXPECT_EQ(Eval1(Fn("IN", {Int(2), Int(1), Int(2)})), "true");
  EXPECT_EQ(Eval1(Fn("IN", {Int(3), Int(1), Int(2)})), "false");
  EXPECT_EQ(Eval1(Fn("IN", {Int(3), Int(1), Null(LogicalType::Int())})), "null");
  EXPECT_EQ(Eval1(Fn("IN", {Str("b"), Str("a"), Str("b")})), "true");
  EXPECT_EQ(Eval1(Fn("LIKE", {Str("hello"), Str("h%o")})), "true");
  EXPECT_EQ(Eval1(Fn("LIKE", {Str("hello"), Str("h_llo")})), "true");
  EXPECT_EQ(Eval1(Fn("LIKE", {Str("hello"), Str("h_lo")})), "false");
  EXPECT_EQ(Eval1(Fn("LIKE", {Str("héllo"), Str("h_llo")})), "true");  // _ is one character
  EXPECT_EQ(Eval1(Fn("LIKE", {Str("abc"), Str("%")})), "true");
  EXPECT_EQ(Eval1(Fn("LIKE", {Str(""), Str("_")})), "false");
  EXPECT_EQ(Eval1(Fn("LIKE", {Str("a%c"), Str("%c")})), "true");
}

TEST(LogicExprTest, CaseIfCoalesceEvaluateOnlyTakenBranches) {
  Batch b = MakeBatch({"0", "4", "null"}, {"1", "2", "3"}, {"x", "null", "z"});
  auto a = Col(0, LogicalType::BigInt());
  // CASE WHEN a <> 0 THEN 100 / a ELSE -1 END
  auto c = Fn("CASE", {Fn("<>", {a, Big(0)}), Fn("/", {Big(100), a}), Big(-1)});
  auto r = EvalText(c, &b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<std::string>{"-1", "25", "-1"}));
  auto i = Fn("IF", {Fn("IS_NULL", {a}), Str("none"), Str("some")});
  EXPECT_EQ(*EvalText(i, &b), (std::vector<std::string>{"some", "some", "none"}));
  auto co = Fn("COALESCE", {Col(2, LogicalType::String()), Str("dflt")});
  EXPECT_EQ(*EvalText(co, &b), (std::vector<std::string>{"x", "dflt", "z"}));
  // CASE without ELSE yields NULL; branches of different numeric types widen.
  auto n = Fn("CASE", {Fn(">", {a, Big(1)}), Dbl(0.5), Null()});
  EXPECT_EQ(*EvalText(n, &b), (std::vector<std::string>{"null", "0.5", "null"}));
}

}  // namespace
}  // namespace sluice::expr
