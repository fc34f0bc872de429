#include "connectors/clickhouse/clickhouse_type.h"

#include <gtest/gtest.h>

namespace sluice::connectors {
namespace {

using Kind = ClickHouseType::Kind;

ClickHouseType MustParse(const std::string& text) {
  auto t = ClickHouseType::Parse(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().ToString();
  return t.ok() ? *t : ClickHouseType{};
}

TEST(ClickHouseTypeTest, ParsesScalarsAndWrappers) {
  EXPECT_EQ(MustParse("UInt32").kind, Kind::kUInt32);
  EXPECT_EQ(MustParse("UInt32").byte_width(), 4);
  ClickHouseType d = MustParse("Nullable(Decimal(10, 2))");
  EXPECT_EQ(d.kind, Kind::kDecimal);
  EXPECT_TRUE(d.nullable);
  EXPECT_EQ(d.precision, 10);
  EXPECT_EQ(d.scale, 2);
  EXPECT_EQ(d.byte_width(), 8);
  ClickHouseType d32 = MustParse("Decimal32(3)");
  EXPECT_EQ(d32.precision, 9);
  EXPECT_EQ(d32.byte_width(), 4);
  EXPECT_EQ(MustParse("Decimal128(5)").byte_width(), 16);
  ClickHouseType lc = MustParse("LowCardinality(Nullable(String))");
  EXPECT_EQ(lc.kind, Kind::kString);
  EXPECT_TRUE(lc.low_cardinality);
  EXPECT_TRUE(lc.nullable);
  EXPECT_EQ(MustParse("FixedString(16)").fixed_size, 16);
}

TEST(ClickHouseTypeTest, ParsesDateTimesWithZones) {
  EXPECT_EQ(MustParse("DateTime").timezone, "");
  EXPECT_EQ(MustParse("DateTime('Europe/Berlin')").timezone, "Europe/Berlin");
  // DESCRIBE's TabSeparated output escapes the quotes; the schema reader unescapes them first.
  ClickHouseType dt64 = MustParse("DateTime64(6, 'UTC')");
  EXPECT_EQ(dt64.kind, Kind::kDateTime64);
  EXPECT_EQ(dt64.precision, 6);
  EXPECT_EQ(dt64.timezone, "UTC");
  EXPECT_EQ(MustParse("DateTime64(3)").precision, 3);
}

TEST(ClickHouseTypeTest, ParsesEnumsAndArrays) {
  ClickHouseType e = MustParse("Enum8('b' = -2, 'a\\'x' = 1)");
  ASSERT_EQ(e.enum_values.size(), 2u);
  EXPECT_EQ(e.enum_values[0], (std::pair<std::string, int>("b", -2)));
  EXPECT_EQ(e.enum_values[1], (std::pair<std::string, int>("a'x", 1)));
  ClickHouseType a = MustParse("Array(Nullable(Int16))");
  EXPECT_EQ(a.kind, Kind::kArray);
  ASSERT_NE(a.element, nullptr);
  EXPECT_EQ(a.element->kind, Kind::kInt16);
  EXPECT_TRUE(a.element->nullable);
  EXPECT_EQ(MustParse("UUID").byte_width(), 16);
}

TEST(ClickHouseTypeTest, MinAndMaxStatesParseAsTheirValueType) {
  ClickHouseType t = MustParse("AggregateFunction(min, Float64)");
  EXPECT_EQ(t.kind, Kind::kFloat64);
  EXPECT_EQ(t.aggregate_function, "min");
  EXPECT_TRUE(t.nullable);
  EXPECT_EQ(t.null_flag(), 0);
  EXPECT_EQ(MustParse("AggregateFunction(max, DateTime)").kind, Kind::kDateTime);
  EXPECT_EQ(MustParse("Nullable(Int8)").null_flag(), 1);
  EXPECT_EQ(ClickHouseType::Parse("AggregateFunction(max, String)").status().code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(ClickHouseType::Parse("AggregateFunction(uniq, UInt64)").status().code(),
            StatusCode::kUnsupported);
}

TEST(ClickHouseTypeTest, RejectsMalformedAndUnknownTypes) {
  EXPECT_EQ(ClickHouseType::Parse("AggregateFunction(sum, UInt64)").status().code(),
            StatusCode::kUnsupported);
  EXPECT_FALSE(ClickHouseType::Parse("Decimal(10)").ok());
  EXPECT_FALSE(ClickHouseType::Parse("Nullable(Int8").ok());
  EXPECT_FALSE(ClickHouseType::Parse("Int8 junk").ok());
  EXPECT_FALSE(ClickHouseType::Parse("FixedString(0)").ok());
}

}  // namespace
}  // namespace sluice::connectors
