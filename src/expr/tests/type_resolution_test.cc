#include "expr/tests/expr_test_support.h"

namespace sluice::expr {
namespace {

LogicalType R(const std::string& name, std::vector<LogicalType> args) {
  FunctionRegistry r;
  auto t = r.ResolveScalar(name, args);
  EXPECT_TRUE(t.ok()) << name << ": " << t.status().ToString();
  return t.ok() ? *t : LogicalType::Null();
}

TEST(TypeResolutionTest, ArithmeticFollowsFlink) {
  EXPECT_EQ(R("+", {LogicalType::Int(), LogicalType::Int()}).id, TypeId::kInt);
  EXPECT_EQ(R("/", {LogicalType::Int(), LogicalType::Int()}).id, TypeId::kInt);
  EXPECT_EQ(R("*", {LogicalType::Int(), LogicalType::BigInt()}).id, TypeId::kBigInt);
  EXPECT_EQ(R("+", {LogicalType::Float(), LogicalType::Int()}).id, TypeId::kDouble);
  EXPECT_EQ(R("+", {LogicalType::Decimal(10, 2), LogicalType::Double()}).id, TypeId::kDouble);
  LogicalType add = R("+", {LogicalType::Decimal(10, 2), LogicalType::Decimal(5, 3)});
  EXPECT_EQ(add.id, TypeId::kDecimal);
  EXPECT_EQ(add.scale, 3);
  LogicalType mul = R("*", {LogicalType::Decimal(10, 2), LogicalType::Decimal(10, 3)});
  EXPECT_EQ(mul.scale, 5);
  EXPECT_EQ(mul.precision, 18);
  LogicalType di = R("+", {LogicalType::Decimal(10, 2), LogicalType::Int()});
  EXPECT_EQ(di.id, TypeId::kDecimal);
  EXPECT_EQ(di.scale, 2);
  EXPECT_EQ(R("+", {LogicalType::Timestamp(3), LogicalType::Interval()}).id, TypeId::kTimestamp);
  EXPECT_EQ(R("POWER", {LogicalType::Int(), LogicalType::Int()}).id, TypeId::kDouble);
}

TEST(TypeResolutionTest, FunctionsHaveFlinkResultTypes) {
  EXPECT_EQ(R("=", {LogicalType::Timestamp(3), LogicalType::TimestampLtz(3)}).id, TypeId::kBoolean);
  EXPECT_FALSE(R("IS_NULL", {LogicalType::Int()}).nullable);
  EXPECT_EQ(R("CHAR_LENGTH", {LogicalType::String()}).id, TypeId::kInt);
  EXPECT_EQ(R("TO_TIMESTAMP", {LogicalType::String()}).id, TypeId::kTimestamp);
  EXPECT_EQ(R("TO_TIMESTAMP_LTZ", {LogicalType::BigInt(), LogicalType::Int()}).id,
            TypeId::kTimestampLtz);
  EXPECT_EQ(R("UNIX_TIMESTAMP", {}).id, TypeId::kBigInt);
  EXPECT_EQ(R("TIMESTAMPDIFF",
              {LogicalType::String(), LogicalType::Timestamp(3), LogicalType::Timestamp(3)})
                .id,
            TypeId::kInt);
  EXPECT_EQ(R("COALESCE", {LogicalType::Int(), LogicalType::BigInt()}).id, TypeId::kBigInt);
  EXPECT_EQ(R("CASE", {LogicalType::Boolean(), LogicalType::Int(), LogicalType::Double()}).id,
            TypeId::kDouble);
}

TEST(TypeResolutionTest, ErrorsNameFunctionArgumentsAndSignature) {
  FunctionRegistry r;
  auto e = r.ResolveScalar("+", {LogicalType::String(), LogicalType::Int()});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kPlanError);
  EXPECT_NE(e.status().message().find("+"), std::string::npos);
  EXPECT_NE(e.status().message().find("STRING, INT"), std::string::npos);
  EXPECT_NE(e.status().message().find("expected"), std::string::npos);
  auto s = r.ResolveScalar("SUBSTRING", {LogicalType::Int()});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("SUBSTRING(<STRING>, <INT>[, <INT>])"), std::string::npos)
      << s.status().message();
  EXPECT_FALSE(r.ResolveScalar("=", {LogicalType::String(), LogicalType::Int()}).ok());
  EXPECT_FALSE(r.ResolveScalar("NO_SUCH_FN", {}).ok());
  EXPECT_FALSE(r.ResolveScalar("AND", {LogicalType::Int(), LogicalType::Boolean()}).ok());
}

}  // namespace
}  // namespace sluice::expr
