#include "common/byte_size.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(ByteSizeTest, ParsesNumbersAndUnits) {
  EXPECT_EQ(*ParseByteSize("1048576"), 1048576);
  EXPECT_EQ(*ParseByteSize("512 kb"), 512 * 1024);
  EXPECT_EQ(*ParseByteSize("16MB"), int64_t{16} << 20);
  EXPECT_EQ(*ParseByteSize("1 g"), int64_t{1} << 30);
  EXPECT_EQ(*ParseByteSize("7 bytes"), 7);
  EXPECT_FALSE(ParseByteSize("lots").ok());
  EXPECT_FALSE(ParseByteSize("3 parsecs").ok());
  EXPECT_FALSE(ParseByteSize("-1 mb").ok());
  EXPECT_FALSE(ParseByteSize("99999999999 gb").ok());
}

TEST(ByteSizeTest, FormatsInTheLargestUnit) {
  EXPECT_EQ(FormatByteSize(512), "512 B");
  EXPECT_EQ(FormatByteSize(1536), "1.5 KB");
  EXPECT_EQ(FormatByteSize(int64_t{256} << 20), "256.0 MB");
  EXPECT_EQ(FormatByteSize(int64_t{3} << 29), "1.5 GB");
}

}  // namespace
}  // namespace sluice
