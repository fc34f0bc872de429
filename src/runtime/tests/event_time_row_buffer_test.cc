#include "runtime/event_time_row_buffer.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace sluice::runtime {
namespace {

using Row = EventTimeRowBuffer::Row;

// The key layout operator state has always been saved with: per key part '\x01' for NULL, else
// '\x02', the length of the value's text in decimal, ':' and the text (Value::ToString).
std::string TextKey(const Row& row, const std::vector<size_t>& keys) {
  std::string key;
  for (size_t k : keys) {
    if (row[k].is_null()) {
      key += '\x01';
      continue;
    }
    const std::string text = row[k].ToString();
    key += '\x02' + std::to_string(text.size()) + ':' + text;
  }
  return key;
}

TEST(EventTimeRowBufferTest, KeysKeepTheLayoutOfSavedState) {
  const std::vector<Row> rows = {
      {Value::Int64(LogicalType::BigInt(), 42), Value::String("bidder"),
       Value::Int64(LogicalType::Int(), -7)},
      {Value::Int64(LogicalType::BigInt(), std::numeric_limits<int64_t>::min()), Value::String(""),
       Value::Null(LogicalType::Int())},
      {Value::Int64(LogicalType::Timestamp(3), 1'700'000'000'123),
       Value::String(std::string(300, 'u')), Value::Int64(LogicalType::Decimal(10, 2), 12345)},
      {Value::Int64(LogicalType::Interval(), 60'000), Value::Bool(true), Value::Double(0.5)},
      {Value::Int64(LogicalType::Date(), 19'000), Value::String("a:b\x02"),
       Value::Int64(LogicalType::TimestampLtz(3), -1)},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(EventTimeRowBuffer::KeyOf(row, {0, 1, 2}), TextKey(row, {0, 1, 2}));
    EXPECT_EQ(EventTimeRowBuffer::KeyOf(row, {2, 0}), TextKey(row, {2, 0}));
  }
}

TEST(EventTimeRowBufferTest, AppendKeyOfAppendsToWhatIsThere) {
  const Row row = {Value::Int64(LogicalType::BigInt(), 5), Value::String("x")};
  std::string key = "prefix";
  EventTimeRowBuffer::AppendKeyOf(row, {1, 0}, &key);
  EXPECT_EQ(key, "prefix" + TextKey(row, {1, 0}));
}

TEST(EventTimeRowBufferTest, KeysOfDifferentValuesDiffer) {
  // A string that spells another key's parts must not make the same key.
  const Row a = {Value::String("1:a\x02"), Value::String("b")};
  const Row b = {Value::String("1:a"), Value::String("\x02"
                                                     "1:b")};
  EXPECT_NE(EventTimeRowBuffer::KeyOf(a, {0, 1}), EventTimeRowBuffer::KeyOf(b, {0, 1}));
  const Row null_key = {Value::Null(LogicalType::String())};
  const Row empty_key = {Value::String("")};
  EXPECT_NE(EventTimeRowBuffer::KeyOf(null_key, {0}), EventTimeRowBuffer::KeyOf(empty_key, {0}));
}

}  // namespace
}  // namespace sluice::runtime
