#include "common/civil_time.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(CivilTimeTest, FormatsEpochAndNegativeMillis) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01 00:00:00.000");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31 23:59:59.999");
  EXPECT_EQ(FormatTimestamp(1'700'000'000'123, 3), "2023-11-14 22:13:20.123");
  EXPECT_EQ(FormatTimestamp(1'700'000'000'123, 0), "2023-11-14 22:13:20");
  EXPECT_EQ(FormatDate(19'000), "2022-01-08");
}

TEST(CivilTimeTest, ParsesIsoTimestampsWithOffsets) {
  EXPECT_EQ(ParseTimestamp("2023-11-14T22:13:20.123Z"), 1'700'000'000'123);
  EXPECT_EQ(ParseTimestamp("2023-11-14 22:13:20.123"), 1'700'000'000'123);
  // 09:00 at +09:00 is 00:00 UTC.
  EXPECT_EQ(ParseTimestamp("2024-01-01T09:00:00+09:00"), ParseTimestamp("2024-01-01T00:00:00Z"));
  EXPECT_EQ(ParseTimestamp("2024-01-01T00:00:00-0130"), ParseTimestamp("2024-01-01T01:30:00"));
  EXPECT_EQ(ParseTimestamp("2024-01-01"), 1'704'067'200'000);
  EXPECT_EQ(ParseTimestamp("2024-01-01T00:00:00.5"), 1'704'067'200'500);
}

TEST(CivilTimeTest, RejectsMalformedTimestamps) {
  EXPECT_FALSE(ParseTimestamp("2024-13-01"));
  EXPECT_FALSE(ParseTimestamp("2023-02-29"));
  EXPECT_FALSE(ParseTimestamp("2024-01-01T25:00"));
  EXPECT_FALSE(ParseTimestamp("yesterday"));
  EXPECT_FALSE(ParseTimestamp("2024-01-01T00:00:00+"));
  EXPECT_FALSE(ParseTimestamp(""));
}

}  // namespace
}  // namespace sluice
