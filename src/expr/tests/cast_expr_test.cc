#include "expr/tests/expr_test_support.h"

namespace sluice::expr {
namespace {

using namespace testing;  // NOLINT

TEST(CastExprTest, StringsToNumbersBooleansAndTimes) {
  EXPECT_EQ(Eval1(Cast(Str(" 42 "), LogicalType::Int())), "42");
  EXPECT_EQ(Eval1(Cast(Str("-7"), LogicalType::BigInt())), "-7");
  EXPECT_EQ(Eval1(Cast(Str("2.5"), LogicalType::Double())), "2.5");
  EXPECT_EQ(Eval1(Cast(Str("1.235"), LogicalType::Decimal(5, 2))), "1.24");    // HALF_UP
  EXPECT_EQ(Eval1(Cast(Str("-1.235"), LogicalType::Decimal(5, 2))), "-1.24");  // away from 0
  EXPECT_EQ(Eval1(Cast(Str("TRUE"), LogicalType::Boolean())), "true");
  EXPECT_EQ(Eval1(Cast(Str("2024-02-29 12:30:00"), LogicalType::Timestamp(3))),
            "2024-02-29 12:30:00.000");
  EXPECT_EQ(Eval1(Cast(Str("2024-02-29"), LogicalType::Date())), "2024-02-29");
}

TEST(CastExprTest, BadStringIsDataErrorAndTryCastIsNull) {
  std::string r = Eval1(Cast(Str("abc"), LogicalType::Int()));
  EXPECT_NE(r.find("data error"), std::string::npos) << r;
  EXPECT_NE(r.find("abc"), std::string::npos) << r;
  EXPECT_EQ(Eval1(Cast(Str("abc"), LogicalType::Int(), true)), "null");
  EXPECT_EQ(Eval1(Cast(Str("3000000000"), LogicalType::Int(), true)), "null");  // out of range
}

TEST(CastExprTest, NumericConversions) {
  EXPECT_EQ(Eval1(Cast(Dbl(2.7), LogicalType::Int())), "2");
  EXPECT_EQ(Eval1(Cast(Dbl(-2.7), LogicalType::BigInt())), "-2");
  EXPECT_EQ(Eval1(Cast(Dbl(2.345), LogicalType::Decimal(5, 1))), "2.3");
  EXPECT_EQ(Eval1(Cast(Dbl(2.35), LogicalType::Decimal(5, 1))), "2.4");
  EXPECT_EQ(Eval1(Cast(Dec(1999, 5, 3), LogicalType::Int())), "1");  // truncates
  EXPECT_EQ(Eval1(Cast(Dec(125, 5, 2), LogicalType::Decimal(5, 1))), "1.3");
  EXPECT_EQ(Eval1(Cast(Dec(125, 5, 2), LogicalType::Double())), "1.25");
  EXPECT_EQ(Eval1(Cast(Int(12345), LogicalType::Decimal(4, 1))), "null");  // overflow
  EXPECT_EQ(Eval1(Cast(Int(7), LogicalType::Decimal(4, 1))), "7.0");
  EXPECT_EQ(Eval1(Cast(Big(4294967297), LogicalType::Int())), "1");  // narrowing wraps
  EXPECT_EQ(Eval1(Cast(Int(0), LogicalType::Boolean())), "false");
}

TEST(CastExprTest, ValuesToStrings) {
  EXPECT_EQ(Eval1(Cast(Dbl(1), LogicalType::String())), "1.0");
  EXPECT_EQ(Eval1(Cast(Dec(-5, 3, 2), LogicalType::String())), "-0.05");
  EXPECT_EQ(Eval1(Cast(Bool(true), LogicalType::String())), "TRUE");
  EXPECT_EQ(Eval1(Cast(Ts("2024-01-02 03:04:05.006"), LogicalType::String())),
            "2024-01-02 03:04:05.006");
  EXPECT_EQ(Eval1(Cast(Null(), LogicalType::String())), "null");
}

TEST(CastExprTest, TimestampToBigintIsRejected) {
  FunctionRegistry r;
  auto c = CompileExpr(Cast(Ts("2024-01-01 00:00:00"), LogicalType::BigInt()), r);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kPlanError);
  auto d = CompileExpr(Cast(Big(1), LogicalType::Timestamp(3)), r);
  EXPECT_FALSE(d.ok());
  EXPECT_EQ(Eval1(Cast(Ts("2024-01-01 10:00:00"), LogicalType::Date())), "2024-01-01");
}

}  // namespace
}  // namespace sluice::expr
