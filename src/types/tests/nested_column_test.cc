#include <gtest/gtest.h>

#include "types/batch.h"
#include "types/cell_text.h"
#include "types/value.h"

namespace sluice {
namespace {

LogicalType PointType() {
  return LogicalType::Row({"x", "tags"},
                          {LogicalType::BigInt(), LogicalType::Array(LogicalType::String())});
}

std::string Text(const Column& c, size_t row) {
  std::string s;
  AppendCellText(c, row, &s);
  return s;
}

// Appends ROW(x, ARRAY[tags...]) to `c`.
void AppendPoint(Column* c, int64_t x, std::vector<std::string> tags) {
  c->child(0).AppendInt(x);
  Column& array = c->child(1);
  for (const auto& t : tags) array.child(0).AppendString(t);
  array.EndNestedValue();
  c->EndNestedValue();
}

TEST(NestedColumnTest, RowHoldsOneChildValuePerRowAndNullsAtEveryLevel) {
  Column c(PointType());
  AppendPoint(&c, 1, {"a", "b"});
  c.AppendNull();
  AppendPoint(&c, 3, {});
  c.child(0).AppendNull();
  c.child(1).AppendNull();
  c.EndNestedValue();
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c.child(0).size(), 4u);
  EXPECT_EQ(c.child(1).size(), 4u);
  EXPECT_EQ(Text(c, 0), "+I[1, [a, b]]");
  EXPECT_EQ(Text(c, 1), "null");
  EXPECT_EQ(Text(c, 2), "+I[3, []]");
  EXPECT_EQ(Text(c, 3), "+I[null, null]");
  EXPECT_EQ(c.child(1).offsets(), (std::vector<uint32_t>{0, 2, 2, 2, 2}));
}

TEST(NestedColumnTest, GatherCopiesNestedRows) {
  Column c(PointType());
  AppendPoint(&c, 1, {"a"});
  AppendPoint(&c, 2, {"b", "c"});
  c.AppendNull();
  ColumnPtr g = GatherColumn(c, {2, 1, 1});
  EXPECT_EQ(Text(*g, 0), "null");
  EXPECT_EQ(Text(*g, 1), "+I[2, [b, c]]");
  EXPECT_EQ(Text(*g, 2), "+I[2, [b, c]]");
  EXPECT_EQ(g->child(1).child(0).size(), 4u);
}

TEST(NestedColumnTest, ResizeDropsValuesOfAnUnendedRow) {
  Column c(PointType());
  AppendPoint(&c, 1, {"a"});
  c.child(0).AppendInt(2);
  c.child(1).child(0).AppendString("half");
  c.Resize(1);
  EXPECT_EQ(c.child(0).size(), 1u);
  EXPECT_EQ(c.child(1).child(0).size(), 1u);
  AppendPoint(&c, 3, {"z"});
  EXPECT_EQ(Text(c, 1), "+I[3, [z]]");
}

TEST(NestedColumnTest, MapPrintsEntriesInOrder) {
  Column m(LogicalType::Map(LogicalType::String(), LogicalType::Int()));
  m.child(0).AppendString("k");
  m.child(1).AppendInt(1);
  m.child(0).AppendString("j");
  m.child(1).AppendNull();
  m.EndNestedValue();
  EXPECT_EQ(Text(m, 0), "{k=1, j=null}");
  EXPECT_EQ(m.ElementCount(0), 2u);
}

TEST(NestedColumnTest, ValueRoundTripsANestedRow) {
  Column c(PointType());
  AppendPoint(&c, 7, {"q"});
  Value v = Value::FromColumn(c, 0);
  Column d(PointType());
  v.AppendTo(&d);
  v.AppendTo(&d);
  EXPECT_EQ(Text(d, 1), "+I[7, [q]]");
  EXPECT_EQ(v.ToString(), "+I[7, [q]]");
}

TEST(NestedColumnTest, TypesCompareChildrenAndPrintThem) {
  LogicalType a = PointType();
  LogicalType b = PointType();
  EXPECT_TRUE(a.SameAs(b));
  EXPECT_FALSE(a.SameAs(LogicalType::Row({"x"}, {LogicalType::BigInt()})));
  EXPECT_FALSE(
      LogicalType::Array(LogicalType::Int()).SameAs(LogicalType::Array(LogicalType::BigInt())));
  EXPECT_EQ(a.ToString(), "ROW<`x` BIGINT, `tags` ARRAY<STRING>>");
  EXPECT_EQ(LogicalType::Map(LogicalType::String(), LogicalType::Int().WithNullable(false))
                .WithNullable(false)
                .ToString(),
            "MAP<STRING, INT NOT NULL> NOT NULL");
  EXPECT_EQ(a.FindField("tags"), 1u);
  EXPECT_FALSE(a.FindField("y").has_value());
}

}  // namespace
}  // namespace sluice
