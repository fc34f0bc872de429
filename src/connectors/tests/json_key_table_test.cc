#include "connectors/formats/json_key_table.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::connectors {
namespace {

// A raw key as the decoder sees it: the bytes after the opening quote, the rest of the input
// after it, and zero padding as simdjson's.
std::string Raw(std::string_view key_and_rest) {
  std::string raw(key_and_rest);
  raw.append(64, '\0');
  return raw;
}

TEST(JsonKeyTableTest, MatchesWholeNamesOfEveryLength) {
  // Lengths around the 8-byte words: the closing quote alone in a word, at its end, past it.
  JsonKeyTable table({"a", "abcdefg", "abcdefgh", "abcdefghijklmno", "abcdefghijklmnop"});
  EXPECT_EQ(table.Find(Raw(R"(abcdefgh": 1})").c_str()), 2);
  EXPECT_EQ(table.Find(Raw(R"(a":1})").c_str()), 0);
  EXPECT_EQ(table.Find(Raw(R"(abcdefghijklmnop":1})").c_str()), 4);
  EXPECT_EQ(table.Find(Raw(R"(abcdefg":1})").c_str()), 1);
  EXPECT_EQ(table.Find(Raw(R"(abcdefghijklmno":1})").c_str()), 3);
}

TEST(JsonKeyTableTest, PrefixesAndExtensionsDoNotMatch) {
  JsonKeyTable table({"id", "source_ts_ms"});
  EXPECT_EQ(table.Find(Raw(R"(i":1})").c_str()), -1);
  EXPECT_EQ(table.Find(Raw(R"(idx":1})").c_str()), -1);
  EXPECT_EQ(table.Find(Raw(R"(ID":1})").c_str()), -1);
  EXPECT_EQ(table.Find(Raw(R"(source_ts":1})").c_str()), -1);
  EXPECT_EQ(table.Find(Raw(R"(source_ts_msx":1})").c_str()), -1);
  EXPECT_EQ(table.Find(Raw(R"(source_ts_ms":1})").c_str()), 1);
  EXPECT_EQ(table.Find(Raw(R"(id":1})").c_str()), 0);
}

TEST(JsonKeyTableTest, AnyOrderAndRestart) {
  JsonKeyTable table({"x", "y", "z"});
  EXPECT_EQ(table.Find(Raw(R"(z":1)").c_str()), 2);
  EXPECT_EQ(table.Find(Raw(R"(x":1)").c_str()), 0);
  EXPECT_EQ(table.Find(Raw(R"(z":1)").c_str()), 2);
  table.Restart();
  EXPECT_EQ(table.Find(Raw(R"(y":1)").c_str()), 1);
  EXPECT_EQ(table.Find(Raw(R"(w":1)").c_str()), -1);
}

TEST(JsonKeyTableTest, NamesNeedingEscapesNeverMatchRawBytes) {
  JsonKeyTable table({R"(a"b)", R"(c\d)", "e"});
  EXPECT_EQ(table.Find(Raw(R"(a"b":1)").c_str()), -1);
  EXPECT_EQ(table.Find(Raw(R"(a\"b":1)").c_str()), -1);
  EXPECT_EQ(table.Find(Raw(R"(c\d":1)").c_str()), -1);
  EXPECT_EQ(table.Find(Raw(R"(e":1)").c_str()), 2);
}

}  // namespace
}  // namespace sluice::connectors
