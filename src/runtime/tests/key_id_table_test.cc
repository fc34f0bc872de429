#include "runtime/key_id_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sluice::runtime {
namespace {

// The keys live with the caller, by id, as the OVER operator keeps them in its states.
struct Keys {
  std::vector<std::string> by_id;
  KeyIdTable table;

  static uint32_t TagOf(const std::string& key) {
    return KeyIdTable::Tag(std::hash<std::string>{}(key));
  }
  uint32_t Find(const std::string& key, uint32_t tag) const {
    return table.Find(tag, [&](uint32_t id) { return by_id[id] == key; });
  }
  uint32_t Find(const std::string& key) const { return Find(key, TagOf(key)); }
  uint32_t Insert(const std::string& key, uint32_t tag) {
    const uint32_t id = static_cast<uint32_t>(by_id.size());
    by_id.push_back(key);
    table.Insert(tag, id);
    return id;
  }
  uint32_t Insert(const std::string& key) { return Insert(key, TagOf(key)); }
};

TEST(KeyIdTableTest, FindsInsertedKeysAndNotOthers) {
  Keys keys;
  EXPECT_EQ(keys.Find("a"), KeyIdTable::kNone);  // an empty table
  const uint32_t a = keys.Insert("a");
  const uint32_t b = keys.Insert("b");
  EXPECT_EQ(keys.Find("a"), a);
  EXPECT_EQ(keys.Find("b"), b);
  EXPECT_EQ(keys.Find("c"), KeyIdTable::kNone);
  EXPECT_EQ(keys.table.size(), 2u);
}

TEST(KeyIdTableTest, GrowsKeepingEveryKey) {
  Keys keys;
  for (int i = 0; i < 100'000; ++i) keys.Insert("key" + std::to_string(i));
  EXPECT_EQ(keys.table.size(), 100'000u);
  EXPECT_GE(keys.table.capacity() * 3, keys.table.size() * 4);  // at most 3/4 full
  for (int i = 0; i < 100'000; ++i) {
    ASSERT_EQ(keys.Find("key" + std::to_string(i)), static_cast<uint32_t>(i)) << i;
  }
  EXPECT_EQ(keys.Find("key100000"), KeyIdTable::kNone);
}

// Keys with one tag share a home and a run of slots: the caller's comparison tells them apart,
// and erasing one in the middle of the run keeps the others reachable.
TEST(KeyIdTableTest, KeysWithOneTagAreToldApartAndErasedFromTheMiddleOfTheirRun) {
  Keys keys;
  for (int i = 0; i < 8; ++i) keys.Insert("same" + std::to_string(i), 42);
  const uint32_t other = keys.Insert("other");
  for (int i = 0; i < 8; ++i) EXPECT_EQ(keys.Find("same" + std::to_string(i), 42), i);
  EXPECT_EQ(keys.Find("same8", 42), KeyIdTable::kNone);
  EXPECT_TRUE(keys.table.Erase(42, 3));
  EXPECT_FALSE(keys.table.Erase(42, 3));  // no longer held
  EXPECT_EQ(keys.Find("same3", 42), KeyIdTable::kNone);
  for (int i = 0; i < 8; ++i) {
    if (i != 3) {
      EXPECT_EQ(keys.Find("same" + std::to_string(i), 42), i);
    }
  }
  EXPECT_EQ(keys.Find("other"), other);
  EXPECT_EQ(keys.table.size(), 8u);
}

// Runs that wrap around the end of the slots, erased in every order, with reinserts.
TEST(KeyIdTableTest, EraseAndReinsertKeepTheRestFindable) {
  Keys keys;
  std::vector<bool> held;
  for (int i = 0; i < 5000; ++i) {
    // Few distinct tags: long runs, many of them wrapping.
    keys.Insert("k" + std::to_string(i), static_cast<uint32_t>(i % 37) * 0x01000193u);
    held.push_back(true);
  }
  const auto tag_of = [](uint32_t id) { return static_cast<uint32_t>(id % 37) * 0x01000193u; };
  for (uint32_t id = 0; id < 5000; id += 3) {
    ASSERT_TRUE(keys.table.Erase(tag_of(id), id));
    held[id] = false;
  }
  for (uint32_t id = 0; id < 5000; id += 6) {  // back, under the same id
    keys.table.Insert(tag_of(id), id);
    held[id] = true;
  }
  size_t n = 0;
  for (uint32_t id = 0; id < 5000; ++id) {
    const uint32_t found = keys.Find(keys.by_id[id], tag_of(id));
    EXPECT_EQ(found, held[id] ? id : KeyIdTable::kNone) << id;
    n += held[id] ? 1 : 0;
  }
  EXPECT_EQ(keys.table.size(), n);
  keys.table.Clear();
  EXPECT_EQ(keys.table.size(), 0u);
  EXPECT_EQ(keys.Find(keys.by_id[1], tag_of(1)), KeyIdTable::kNone);
}

}  // namespace
}  // namespace sluice::runtime
