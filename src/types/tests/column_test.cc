#include <gtest/gtest.h>

#include "types/batch.h"
#include "types/cell_text.h"
#include "types/value.h"

namespace sluice {
namespace {

TEST(ColumnTest, TracksNullsAndGathersRows) {
  Column c(LogicalType::String());
  c.AppendString("a");
  c.AppendNull();
  c.AppendString("c");
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.null_count(), 1u);
  EXPECT_TRUE(c.IsNull(1));
  ColumnPtr g = GatherColumn(c, {2, 1, 0});
  EXPECT_EQ(g->strings()[0], "c");
  EXPECT_TRUE(g->IsNull(1));
  EXPECT_EQ(g->strings()[2], "a");
}

TEST(ColumnTest, ShrinkingRecountsNulls) {
  Column c(LogicalType::BigInt());
  c.AppendInt(1);
  c.AppendInt(2);
  c.AppendNull();
  c.Resize(2);
  EXPECT_FALSE(c.has_nulls());
  c.AppendNull();
  EXPECT_TRUE(c.IsNull(2));
  EXPECT_FALSE(c.IsNull(1));
}

// Found by connectors_test under AddressSanitizer (a JSON record rolled back after a column held
// a NULL and then more than 64 valid values): shrinking read the null bitmap past its end, which
// valid values appended after the last NULL do not grow.
TEST(ColumnTest, ShrinkingAfterValidValuesPastTheNullBitmap) {
  Column c(LogicalType::BigInt());
  c.AppendNull();
  for (int i = 1; i < 200; ++i) c.AppendInt(i);
  c.AppendNull();  // row 200
  c.Resize(199);
  EXPECT_EQ(c.size(), 199u);
  EXPECT_EQ(c.null_count(), 1u);
  EXPECT_TRUE(c.IsNull(0));
  EXPECT_FALSE(c.IsNull(1));
  EXPECT_FALSE(c.IsNull(198));

  Column d(LogicalType::BigInt());
  d.AppendNull();
  for (int i = 1; i < 150; ++i) d.AppendInt(i);
  d.Resize(120);  // the bitmap covers row 0 only: rows 64..119 stay valid
  EXPECT_EQ(d.null_count(), 1u);
  for (size_t i = 1; i < 120; ++i) EXPECT_FALSE(d.IsNull(i)) << i;
}

TEST(ColumnTest, ValuesAppendedPastTheNullBitmapAreValid) {
  // Appending values does not grow the bitmap after the last NULL: IsNull must not read past it.
  Column ints(LogicalType::BigInt());
  Column strings(LogicalType::String());
  ints.AppendNull();
  strings.AppendNull();
  for (int i = 1; i < 300; ++i) {
    ints.AppendInt(i);
    strings.AppendString("s");
  }
  EXPECT_TRUE(ints.IsNull(0));
  EXPECT_TRUE(strings.IsNull(0));
  for (size_t i = 1; i < 300; ++i) {
    EXPECT_FALSE(ints.IsNull(i)) << i;
    EXPECT_FALSE(strings.IsNull(i)) << i;
  }
  ints.AppendNull();  // row 300 grows the bitmap; the rows before stay valid
  EXPECT_TRUE(ints.IsNull(300));
  for (size_t i = 1; i < 300; ++i) EXPECT_FALSE(ints.IsNull(i)) << i;
  EXPECT_EQ(ints.null_count(), 2u);
}

TEST(CellTextTest, PrintsValuesAsFlinkDoes) {
  EXPECT_EQ(FormatDouble(1.0), "1.0");
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatFloat(0.1f), "0.1");
  EXPECT_EQ(FormatFloat(2.0f), "2.0");
  EXPECT_EQ(FormatDecimal(12345, 2), "123.45");
  EXPECT_EQ(FormatDecimal(-5, 2), "-0.05");
  EXPECT_EQ(Value::Int64(LogicalType::Timestamp(3), 0).ToString(), "1970-01-01 00:00:00.000");
  EXPECT_EQ(Value::Null(LogicalType::Int()).ToString(), "null");
  EXPECT_EQ(Value::Bool(true).ToString(), "true");
}

}  // namespace
}  // namespace sluice
