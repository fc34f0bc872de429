#include "connectors/formats/text_value_parser.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sluice::connectors {
namespace {

TEST(TextValueParserTest, DecimalRoundsHalfAwayFromZero) {
  EXPECT_EQ(ParseDecimalText("12.345", 10, 2), 1235);
  EXPECT_EQ(ParseDecimalText("12.344", 10, 2), 1234);
  EXPECT_EQ(ParseDecimalText("-12.345", 10, 2), -1235);
  EXPECT_EQ(ParseDecimalText("0.004", 10, 2), 0);
  EXPECT_EQ(ParseDecimalText(".5", 10, 0), 1);
  EXPECT_EQ(ParseDecimalText("+7", 10, 3), 7000);
  EXPECT_EQ(ParseDecimalText("1E-2", 10, 2), 1);
  EXPECT_EQ(ParseDecimalText("9e-5", 10, 2), 0);
  EXPECT_EQ(ParseDecimalText(" 42 ", 10, 0), 42);
  EXPECT_EQ(ParseDecimalText("0000000000000000000000001.5", 18, 1), 15);
}

TEST(TextValueParserTest, DecimalRejectsOverflowAndJunk) {
  EXPECT_FALSE(ParseDecimalText("100", 4, 2));  // 100.00 has 5 digits
  EXPECT_EQ(ParseDecimalText("99.99", 4, 2), 9999);
  EXPECT_FALSE(ParseDecimalText("99.995", 4, 2));  // rounds up to 100.00
  EXPECT_FALSE(ParseDecimalText("1e30", 18, 0));
  EXPECT_FALSE(ParseDecimalText("", 10, 2));
  EXPECT_FALSE(ParseDecimalText("1.2.3", 10, 2));
  EXPECT_FALSE(ParseDecimalText("12a", 10, 2));
  EXPECT_FALSE(ParseDecimalText("1e", 10, 2));
  EXPECT_FALSE(ParseDecimalText("-", 10, 2));
}

TEST(TextValueParserTest, IntegersDoublesBooleans) {
  EXPECT_EQ(ParseIntegerText("-42"), -42);
  EXPECT_EQ(ParseIntegerText("+42"), 42);
  EXPECT_FALSE(ParseIntegerText("4.2"));
  EXPECT_FALSE(ParseIntegerText("99999999999999999999"));
  EXPECT_EQ(ParseDoubleText("2.5e1"), 25.0);
  EXPECT_TRUE(std::isnan(*ParseDoubleText("NaN")));
  EXPECT_EQ(ParseDoubleText("-Infinity"), -INFINITY);
  EXPECT_FALSE(ParseDoubleText("abc"));
  EXPECT_EQ(ParseBooleanText("TRUE"), true);
  EXPECT_EQ(ParseBooleanText("false"), false);
  EXPECT_FALSE(ParseBooleanText("yes"));
}

TEST(TextValueParserTest, TruncatesTimestampPrecision) {
  EXPECT_EQ(TruncateMillis(1234, 3), 1234);
  EXPECT_EQ(TruncateMillis(1234, 0), 1000);
  EXPECT_EQ(TruncateMillis(1234, 1), 1200);
  EXPECT_EQ(TruncateMillis(-1, 0), -1000);
}

}  // namespace
}  // namespace sluice::connectors
