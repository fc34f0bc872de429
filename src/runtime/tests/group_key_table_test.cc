#include "runtime/group_key_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace sluice::runtime {
namespace {

/// Interns every row of `keys` and returns the group of each.
std::vector<uint32_t> Intern(GroupKeyTable* table, const std::vector<const Column*>& keys,
                             size_t rows) {
  std::vector<uint64_t> hashes;
  GroupKeyTable::HashRows(keys, rows, &hashes);
  std::vector<uint32_t> groups;
  for (size_t i = 0; i < rows; ++i) {
    bool inserted = false;
    groups.push_back(table->FindOrInsert(keys, i, hashes[i], &inserted));
  }
  return groups;
}

TEST(GroupKeyTableTest, GroupsIntAndStringPairsIncludingNulls) {
  Column ints(LogicalType::BigInt());
  Column strs(LogicalType::String());
  // (1, "a"), (1, "b"), (2, "a"), (1, "a"), (null, "a"), (null, "a"), (1, null), (1, null)
  for (int64_t v : {1, 1, 2, 1}) ints.AppendInt(v);
  ints.AppendNull();
  ints.AppendNull();
  ints.AppendInt(1);
  ints.AppendInt(1);
  for (const char* s : {"a", "b", "a", "a", "a", "a"}) strs.AppendString(s);
  strs.AppendNull();
  strs.AppendNull();
  GroupKeyTable table({LogicalType::BigInt(), LogicalType::String()});
  EXPECT_EQ(Intern(&table, {&ints, &strs}, 8), (std::vector<uint32_t>{0, 1, 2, 0, 3, 3, 4, 4}));
  EXPECT_EQ(table.size(), 5u);

  Column out_int(LogicalType::BigInt());
  Column out_str(LogicalType::String());
  for (uint32_t g = 0; g < 5; ++g) table.AppendKey(g, {&out_int, &out_str});
  EXPECT_EQ(out_int.ints()[2], 2);
  EXPECT_EQ(out_str.strings()[1], "b");
  EXPECT_TRUE(out_int.IsNull(3));
  EXPECT_FALSE(out_str.IsNull(3));
  EXPECT_TRUE(out_str.IsNull(4));
}

TEST(GroupKeyTableTest, NullRowsGroupTogetherWhateverTheirSlotHolds) {
  Column ints(LogicalType::BigInt());
  ints.AppendInt(7);
  ints.AppendInt(8);
  ints.SetNull(0);  // the value slots of the two nulls differ (7, 8)
  ints.SetNull(1);
  GroupKeyTable table({LogicalType::BigInt()});
  EXPECT_EQ(Intern(&table, {&ints}, 2), (std::vector<uint32_t>{0, 0}));
}

TEST(GroupKeyTableTest, NegativeZeroEqualsZeroAndNaNsAreOneGroup) {
  Column d(LogicalType::Double());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double v : {0.0, -0.0, nan, -nan, 1.5}) d.AppendDouble(v);
  GroupKeyTable table({LogicalType::Double()});
  EXPECT_EQ(Intern(&table, {&d}, 5), (std::vector<uint32_t>{0, 0, 1, 1, 2}));
}

TEST(GroupKeyTableTest, KeepsGroupsAcrossGrowthAndBatches) {
  GroupKeyTable table({LogicalType::BigInt()});
  Column first(LogicalType::BigInt());
  for (int64_t i = 0; i < 10000; ++i) first.AppendInt(i * 7919);
  const auto groups = Intern(&table, {&first}, 10000);
  for (uint32_t i = 0; i < 10000; ++i) ASSERT_EQ(groups[i], i);
  Column second(LogicalType::BigInt());  // the same keys, reversed, in a later batch
  for (int64_t i = 9999; i >= 0; --i) second.AppendInt(i * 7919);
  const auto again = Intern(&table, {&second}, 10000);
  for (uint32_t i = 0; i < 10000; ++i) ASSERT_EQ(again[i], 9999 - i);
  EXPECT_EQ(table.size(), 10000u);
}

TEST(GroupKeyTableTest, NoKeysIsOneGlobalGroup) {
  GroupKeyTable table({});
  EXPECT_EQ(Intern(&table, {}, 3), (std::vector<uint32_t>{0, 0, 0}));
}

TEST(GroupKeyTableTest, KeyBytesOutliveTheInputColumn) {
  GroupKeyTable table({LogicalType::String()});
  {
    Column strs(LogicalType::String());
    strs.AppendString("transient");
    Intern(&table, {&strs}, 1);
  }
  Column out(LogicalType::String());
  table.AppendKey(0, {&out});
  EXPECT_EQ(out.strings()[0], "transient");
}

}  // namespace
}  // namespace sluice::runtime
