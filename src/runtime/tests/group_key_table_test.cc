#include "runtime/group_key_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "types/cell_text.h"

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

// ROW<name STRING, tags ARRAY<STRING>>
LogicalType PersonType() {
  return LogicalType::Row({"name", "tags"},
                          {LogicalType::String(), LogicalType::Array(LogicalType::String())});
}

void AppendPerson(Column* c, const char* name, std::vector<const char*> tags) {
  if (name == nullptr) {
    c->child(0).AppendNull();
  } else {
    c->child(0).AppendString(name);
  }
  Column& array = c->child(1);
  for (const char* t : tags) {
    if (t == nullptr) {
      array.child(0).AppendNull();
    } else {
      array.child(0).AppendString(t);
    }
  }
  array.EndNestedValue();
  c->EndNestedValue();
}

std::vector<std::string> Texts(const Column& c) {
  std::vector<std::string> out;
  for (size_t i = 0; i < c.size(); ++i) {
    std::string s;
    AppendCellText(c, i, &s);
    out.push_back(s);
  }
  return out;
}

// {ann, [a, b]}, {ann, [b, a]}, {ann, [a, b]}, NULL, {NULL, [NULL]}, NULL, {NULL, [NULL]}, {ann,
// []}
std::unique_ptr<Column> People() {
  auto c = std::make_unique<Column>(PersonType());
  AppendPerson(c.get(), "ann", {"a", "b"});
  AppendPerson(c.get(), "ann", {"b", "a"});
  AppendPerson(c.get(), "ann", {"a", "b"});
  c->AppendNull();
  AppendPerson(c.get(), nullptr, {nullptr});
  c->AppendNull();
  AppendPerson(c.get(), nullptr, {nullptr});
  AppendPerson(c.get(), "ann", {});
  return c;
}

TEST(GroupKeyTableTest, GroupsNestedKeysWithNullsAtEachLevel) {
  std::unique_ptr<Column> people = People();
  GroupKeyTable table({PersonType()});
  EXPECT_EQ(Intern(&table, {people.get()}, people->size()),
            (std::vector<uint32_t>{0, 1, 0, 2, 3, 2, 3, 4}));
  people.reset();  // the table keeps its own copies of the keys
  Column out(PersonType());
  for (uint32_t g = 0; g < table.size(); ++g) table.AppendKey(g, {&out});
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"+I[ann, [a, b]]", "+I[ann, [b, a]]", "null",
                                                  "+I[null, [null]]", "+I[ann, []]"}));
}

TEST(GroupKeyTableTest, MapKeysGroupWhateverTheirEntryOrder) {
  const LogicalType type = LogicalType::Map(LogicalType::String(), LogicalType::Int());
  Column maps(type);
  for (const auto& entries : std::vector<std::vector<std::pair<const char*, int>>>{
           {{"x", 1}, {"y", 2}}, {{"y", 2}, {"x", 1}}, {{"x", 1}}, {{"y", 1}, {"x", 2}}}) {
    for (const auto& [k, v] : entries) {
      maps.child(0).AppendString(k);
      maps.child(1).AppendInt(v);
    }
    maps.EndNestedValue();
  }
  GroupKeyTable table({type});
  EXPECT_EQ(Intern(&table, {&maps}, 4), (std::vector<uint32_t>{0, 0, 1, 2}));
}

TEST(GroupKeyTableTest, NestedKeysSurviveSaveAndRestore) {
  std::unique_ptr<Column> people = People();
  Column ids(LogicalType::BigInt());
  for (int64_t i = 0; i < 8; ++i) ids.AppendInt(i % 2);
  GroupKeyTable table({PersonType(), LogicalType::BigInt()});
  std::vector<uint32_t> groups = Intern(&table, {people.get(), &ids}, 8);
  StateEncoder encoder;
  table.SaveState(&encoder);

  GroupKeyTable restored({PersonType(), LogicalType::BigInt()});
  StateDecoder decoder(encoder.data(), "test state");
  ASSERT_TRUE(restored.RestoreState(&decoder).ok());
  ASSERT_EQ(restored.size(), table.size());
  // The same keys find the same groups in the restored table.
  EXPECT_EQ(Intern(&restored, {people.get(), &ids}, 8), groups);
  EXPECT_EQ(restored.size(), table.size());
  Column a(PersonType()), b(PersonType());
  Column a_ids(LogicalType::BigInt()), b_ids(LogicalType::BigInt());
  for (uint32_t g = 0; g < table.size(); ++g) {
    table.AppendKey(g, {&a, &a_ids});
    restored.AppendKey(g, {&b, &b_ids});
  }
  EXPECT_EQ(Texts(a), Texts(b));
  EXPECT_EQ(Texts(a_ids), Texts(b_ids));
}

}  // namespace
}  // namespace sluice::runtime
