#include "expr/tests/expr_test_support.h"

namespace sluice::expr {
namespace {

using namespace testing;  // NOLINT

TEST(ArithmeticExprTest, IntegerArithmeticFollowsFlink) {
  EXPECT_EQ(Eval1(Fn("+", {Int(2), Int(3)})), "5");
  EXPECT_EQ(Eval1(Fn("/", {Int(7), Int(2)})), "3");
  EXPECT_EQ(Eval1(Fn("/", {Int(-7), Int(2)})), "-3");  // truncates toward zero
  EXPECT_EQ(Eval1(Fn("%", {Int(-7), Int(3)})), "-1");
  EXPECT_EQ(Eval1(Fn("*", {Int(2147483647), Int(2)})), "-2");  // INT wraps as Java int
  EXPECT_EQ(Eval1(Fn("*", {Int(2147483647), Big(2)})), "4294967294");
  EXPECT_EQ(Eval1(Fn("NEGATE", {Int(5)})), "-5");
  EXPECT_EQ(Eval1(Fn("MOD", {Int(10), Int(4)})), "2");
}

TEST(ArithmeticExprTest, IntegerDivisionByZeroIsDataError) {
  std::string r = Eval1(Fn("/", {Int(1), Int(0)}));
  EXPECT_NE(r.find("division by zero"), std::string::npos) << r;
  EXPECT_NE(r.find("data error"), std::string::npos) << r;
  EXPECT_EQ(Eval1(Fn("/", {Int(1), Null(LogicalType::Int())})), "null");
  // Doubles follow IEEE.
  EXPECT_EQ(Eval1(Fn("/", {Dbl(1), Dbl(0)})), "Infinity");
}

TEST(ArithmeticExprTest, MixedTypesWiden) {
  EXPECT_EQ(Eval1(Fn("+", {Int(1), Dbl(0.5)})), "1.5");
  EXPECT_EQ(Eval1(Fn("/", {Int(7), Dbl(2)})), "3.5");
  // DECIMAL(5,2) 1.25 + INT 2 = 3.25; * adds scales: 1.25 * 1.5 = 1.875 at scale 3.
  EXPECT_EQ(Eval1(Fn("+", {Dec(125, 5, 2), Int(2)})), "3.25");
  EXPECT_EQ(Eval1(Fn("*", {Dec(125, 5, 2), Dec(15, 3, 1)})), "1.875");
  EXPECT_EQ(Eval1(Fn("-", {Dec(125, 5, 2), Dec(15, 3, 1)})), "-0.25");
  // DECIMAL with DOUBLE is DOUBLE.
  EXPECT_EQ(Eval1(Fn("*", {Dec(125, 5, 2), Dbl(2)})), "2.5");
  // 1.00 / 3 = 0.333333.. with DECIMAL division's scale (>= 6), rounded HALF_UP.
  std::string q = Eval1(Fn("/", {Dec(100, 3, 2), Int(3)}));
  EXPECT_EQ(q.substr(0, 8), "0.333333") << q;
  EXPECT_EQ(Eval1(Fn("/", {Dec(200, 3, 2), Int(3)})).substr(0, 8), "0.666666");
}

TEST(ArithmeticExprTest, NullsPropagateThroughColumns) {
  Batch b = MakeBatch({"1", "null", "3"}, {"0.5", "1.5", "null"}, {"x", "y", "z"});
  auto e = Fn("+", {Col(0, LogicalType::BigInt()), Col(1, LogicalType::Double())});
  auto r = EvalText(e, &b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<std::string>{"1.5", "null", "null"}));
  // Division by a zero that sits in a NULL row is not an error.
  Batch z = MakeBatch({"0", "null"}, {"1", "2"}, {"a", "b"});
  auto d = Fn("/", {Big(10), Col(0, LogicalType::BigInt())});
  auto dz = EvalText(d, &z);
  EXPECT_FALSE(dz.ok());
  Batch z2 = MakeBatch({"5", "null"}, {"1", "2"}, {"a", "b"});
  auto ok = EvalText(d, &z2);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, (std::vector<std::string>{"2", "null"}));
}

TEST(ArithmeticExprTest, TimestampPlusInterval) {
  auto interval = sql::MakeLiteral(Value::Int64(LogicalType::Interval(), 90'000));
  EXPECT_EQ(Eval1(Fn("+", {Ts("2024-01-01 23:59:00"), interval})), "2024-01-02 00:00:30.000");
  EXPECT_EQ(Eval1(Fn("-", {Ts("2024-01-01 00:00:00"), interval})), "2023-12-31 23:58:30.000");
}

TEST(ArithmeticExprTest, MathFunctions) {
  EXPECT_EQ(Eval1(Fn("ABS", {Int(-4)})), "4");
  EXPECT_EQ(Eval1(Fn("ROUND", {Dbl(2.5)})), "3.0");
  EXPECT_EQ(Eval1(Fn("ROUND", {Dbl(-2.5)})), "-3.0");  // HALF_UP rounds away from zero
  EXPECT_EQ(Eval1(Fn("ROUND", {Dbl(3.14159), Int(2)})), "3.14");
  EXPECT_EQ(Eval1(Fn("ROUND", {Dec(12345, 6, 3), Int(1)})), "12.300");  // keeps scale 3
  EXPECT_EQ(Eval1(Fn("ROUND", {Int(1250), Int(-2)})), "1300");
  EXPECT_EQ(Eval1(Fn("FLOOR", {Dbl(-1.5)})), "-2.0");
  EXPECT_EQ(Eval1(Fn("CEIL", {Dbl(-1.5)})), "-1.0");
  EXPECT_EQ(Eval1(Fn("FLOOR", {Dec(-150, 3, 2)})), "-2");
  EXPECT_EQ(Eval1(Fn("CEIL", {Dec(101, 3, 2)})), "2");
  EXPECT_EQ(Eval1(Fn("POWER", {Int(2), Int(10)})), "1024.0");
}

}  // namespace
}  // namespace sluice::expr
