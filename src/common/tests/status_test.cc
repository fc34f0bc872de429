#include "common/status.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd");
  return v / 2;
}

Result<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int h, Half(v));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, PropagatesErrorsThroughMacros) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().ToString(), "invalid argument: odd");
}

TEST(StatusTest, ClassifiesUserAndRetryableErrors) {
  EXPECT_TRUE(Status::ParseError("x").is_user_error());
  EXPECT_FALSE(Status::Internal("x").is_user_error());
  EXPECT_TRUE(Status::Unavailable("x").retryable());
  EXPECT_FALSE(Status::IoError("x").retryable());
  EXPECT_EQ(Status::NotFound("f").WithContext("table t").message(), "table t: f");
}

}  // namespace
}  // namespace sluice
