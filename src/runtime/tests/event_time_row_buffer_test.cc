#include "runtime/event_time_row_buffer.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "runtime/tests/key_time_value_batch.h"

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
      {Value::Int64(LogicalType::BigInt(), 1'234'567'890), Value::String("0123456789"),
       Value::Int64(LogicalType::Int(), -999'999'999)},
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

// Each rowtime's rows as "time:v,v,..." in the order TakeUpTo hands them out.
std::vector<std::string> TakeAll(EventTimeRowBuffer* buffer, int64_t watermark) {
  std::vector<std::string> out;
  buffer->TakeUpTo(watermark, [&](int64_t time, const std::vector<BufferedRow>& rows) {
    std::string entry = std::to_string(time) + ":";
    for (const BufferedRow& row : rows) {
      entry += (entry.back() == ':' ? "" : ",") + std::to_string(row.value(2).as_int());
    }
    out.push_back(entry);
  });
  return out;
}

TEST(EventTimeRowBufferTest, RowsOutOfOrderComeOutByRowtimeWithTiesInArrivalOrder) {
  const std::vector<LogicalType> types = {LogicalType::BigInt(), LogicalType::Timestamp(3),
                                          LogicalType::BigInt()};
  EventTimeRowBuffer buffer(1, types);
  // v numbers the rows in arrival order.
  ASSERT_TRUE(buffer.Add(KeyTimeValueBatch({{1, 5, 1}, {1, 3, 2}, {1, 5, 3}, {1, 9, 4}}), 0).ok());
  ASSERT_TRUE(buffer.Add(KeyTimeValueBatch({{1, 4, 5}, {1, 5, 6}, {1, 2, 7}, {1, 9, 8}}), 0).ok());
  EXPECT_EQ(buffer.size(), 8u);
  EXPECT_EQ(TakeAll(&buffer, 3), (std::vector<std::string>{"2:7", "3:2"}));
  // Later arrivals go behind the rows held for their rowtime, and before later rowtimes.
  ASSERT_TRUE(buffer.Add(KeyTimeValueBatch({{1, 9, 9}, {1, 5, 10}, {1, 1, 11}}), 3).ok());
  EXPECT_EQ(buffer.late_records_dropped(), 1);

  StateEncoder encoder;
  buffer.SaveState(&encoder);
  EventTimeRowBuffer restored(1, types);
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(restored.RestoreState(&decoder).ok());
  EXPECT_TRUE(decoder.done());

  const std::vector<std::string> rest = {"4:5", "5:1,3,6,10", "9:4,8,9"};
  EXPECT_EQ(TakeAll(&buffer, 100), rest);
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_EQ(buffer.memory_bytes(), 0u);
  EXPECT_EQ(TakeAll(&restored, 100), rest);
}

}  // namespace
}  // namespace sluice::runtime
