#include "types/cell_equality.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace sluice {
namespace {

// Every pair of rows of `c` that CellEquality calls equal, as "i=j".
std::vector<std::string> EqualPairs(const Column& c) {
  std::vector<std::string> pairs;
  for (size_t i = 0; i < c.size(); ++i) {
    for (size_t j = i + 1; j < c.size(); ++j) {
      if (!CellEquality::Equal(c, i, c, j)) continue;
      pairs.push_back(std::to_string(i) + "=" + std::to_string(j));
      EXPECT_EQ(CellEquality::Hash(c, i), CellEquality::Hash(c, j)) << i << " " << j;
    }
  }
  return pairs;
}

TEST(CellEqualityTest, DoublesFoldNegativeZeroAndNaNsAndNullsAreEqual) {
  Column c(LogicalType::Double());
  for (double v : {0.0, -0.0, std::nan(""), -std::nan(""), 1.0}) c.AppendDouble(v);
  c.AppendNull();
  c.AppendNull();
  EXPECT_EQ(EqualPairs(c), (std::vector<std::string>{"0=1", "2=3", "5=6"}));
}

// ROW<a INT, tags ARRAY<STRING>>
void AppendRow(Column* c, std::optional<int> a, std::vector<const char*> tags) {
  if (a) {
    c->child(0).AppendInt(*a);
  } else {
    c->child(0).AppendNull();
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

TEST(CellEqualityTest, RowsAndArraysCompareEveryLevelWithNullsEqual) {
  Column c(LogicalType::Row({"a", "tags"},
                            {LogicalType::Int(), LogicalType::Array(LogicalType::String())}));
  AppendRow(&c, 1, {"x", "y"});      // 0
  AppendRow(&c, 1, {"y", "x"});      // 1: element order matters
  AppendRow(&c, 1, {"x", "y"});      // 2 = 0
  AppendRow(&c, std::nullopt, {});   // 3
  AppendRow(&c, std::nullopt, {});   // 4 = 3
  AppendRow(&c, 1, {"x", nullptr});  // 5
  AppendRow(&c, 1, {"x", nullptr});  // 6 = 5
  AppendRow(&c, 1, {"x"});           // 7: a prefix is not equal
  c.AppendNull();                    // 8: a NULL ROW is not a ROW of NULLs
  c.AppendNull();                    // 9 = 8
  EXPECT_EQ(EqualPairs(c), (std::vector<std::string>{"0=2", "3=4", "5=6", "8=9"}));
}

TEST(CellEqualityTest, MapsCompareAsSetsOfEntries) {
  Column c(LogicalType::Map(LogicalType::String(), LogicalType::Int()));
  auto add = [&](std::vector<std::pair<const char*, std::optional<int>>> entries) {
    for (const auto& [k, v] : entries) {
      c.child(0).AppendString(k);
      if (v) {
        c.child(1).AppendInt(*v);
      } else {
        c.child(1).AppendNull();
      }
    }
    c.EndNestedValue();
  };
  add({{"a", 1}, {"b", 2}});   // 0
  add({{"b", 2}, {"a", 1}});   // 1 = 0
  add({{"a", 1}, {"b", 3}});   // 2
  add({{"a", std::nullopt}});  // 3
  add({{"a", std::nullopt}});  // 4 = 3
  add({});                     // 5
  add({{"a", 1}});             // 6
  EXPECT_EQ(EqualPairs(c), (std::vector<std::string>{"0=1", "3=4"}));
}

}  // namespace
}  // namespace sluice
