#include "common/json_string.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice {
namespace {

TEST(JsonStringTest, QuotesAndEscapesWhatJsonRequires) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString(""), "\"\"");
  EXPECT_EQ(JsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonString("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(JsonString(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(JsonString(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(JsonStringTest, KeepsUtf8AndDelete) {
  EXPECT_EQ(JsonString("caf\xc3\xa9 \xe2\x82\xac\x7f"), "\"caf\xc3\xa9 \xe2\x82\xac\x7f\"");
}

TEST(JsonStringTest, AppendsAfterWhatIsThere) {
  std::string out = "{\"k\":";
  AppendJsonString("v/w", &out);
  EXPECT_EQ(out, "{\"k\":\"v/w\"");
}

}  // namespace
}  // namespace sluice
