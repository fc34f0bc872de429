#include "connectors/clickhouse/row_binary_encoder.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace sluice::connectors {
namespace {

// A batch built column by column with each column's target type; tests fill the columns.
struct TestColumns {
  std::vector<RowBinaryEncoder::ColumnSpec> specs;
  Batch batch;

  Column& Add(const std::string& name, LogicalType source, const std::string& target) {
    auto type = ClickHouseType::Parse(target);
    EXPECT_TRUE(type.ok()) << target;
    specs.push_back({specs.size(), name, source, type.ok() ? *type : ClickHouseType{}});
    batch.columns.push_back(std::make_shared<Column>(source));
    return const_cast<Column&>(*batch.columns.back());
  }
  RowBinaryEncoder Encoder() {
    auto encoder = RowBinaryEncoder::Create(specs, "db.t");
    EXPECT_TRUE(encoder.ok()) << encoder.status().ToString();
    return std::move(*encoder);
  }
};

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(RowBinaryEncoderTest, WritesEachRowsValuesInColumnOrder) {
  TestColumns t;
  Column& a = t.Add("a", LogicalType::BigInt(), "Int32");
  Column& s = t.Add("s", LogicalType::String(), "Nullable(String)");
  Column& d = t.Add("d", LogicalType::Double(), "Float64");
  Column& ts = t.Add("ts", LogicalType::Timestamp(3), "DateTime");
  a.AppendInt(1);
  a.AppendInt(-2);
  s.AppendString("ab");
  s.AppendNull();
  d.AppendDouble(1.5);
  d.AppendDouble(-0.0);
  ts.AppendInt(1500);  // 1.5 s: whole seconds, rounded down
  ts.AppendInt(2000);
  t.batch.num_rows = 2;
  std::string out = "prefix";
  ASSERT_TRUE(t.Encoder().Encode(t.batch, &out).ok());
  // Row 0: Int32 1 | not NULL, length 2, "ab" | 1.5 = 0x3FF8000000000000 | 1 s.
  // Row 1: Int32 -2 | NULL | -0.0 = 0x8000000000000000 | 2 s.
  std::string expected =
      "prefix" + Bytes({1, 0, 0, 0, 0, 2, 'a', 'b', 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 1, 0, 0, 0}) +
      Bytes({0xFE, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0, 0, 0, 0x80, 2, 0, 0, 0});
  EXPECT_EQ(out, expected);
}

TEST(RowBinaryEncoderTest, NullableFixedWidthNullTakesItsFlagOnly) {
  TestColumns t;
  Column& q = t.Add("q", LogicalType::Int(), "Nullable(UInt16)");
  Column& m = t.Add("m", LogicalType::Decimal(5, 2), "Decimal(9, 2)");
  Column& e = t.Add("e", LogicalType::String(), "Enum8('buy' = 1, 'sell' = -1)");
  Column& f = t.Add("f", LogicalType::String(), "FixedString(3)");
  Column& arr = t.Add("arr", LogicalType::String(), "Array(Int8)");
  Column& day = t.Add("day", LogicalType::Date(), "Nullable(Date)");
  q.AppendInt(7);
  q.AppendNull();
  q.AppendInt(65535);
  for (int64_t v : {300, -100, 0}) m.AppendInt(v);  // 3.00, -1.00, 0.00 at the same scale
  for (const char* v : {"buy", "sell", "buy"}) e.AppendString(v);
  for (const char* v : {"ab", "", "xyz"}) f.AppendString(v);
  for (const char* v : {"[1,-1]", "[]", "[127]"}) arr.AppendString(v);
  day.AppendNull();
  day.AppendInt(1);
  day.AppendInt(65535);
  t.batch.num_rows = 3;
  std::string out;
  ASSERT_TRUE(t.Encoder().Encode(t.batch, &out).ok());
  std::string expected =
      Bytes({0, 7, 0, /**/ 0x2C, 1, 0, 0, /**/ 1, /**/ 'a', 'b', 0, /**/ 2, 1, 0xFF, /**/ 1}) +
      Bytes({1, /**/ 0x9C, 0xFF, 0xFF, 0xFF, /**/ 0xFF, /**/ 0, 0, 0, /**/ 0, /**/ 0, 1, 0}) +
      Bytes({0, 0xFF, 0xFF, /**/ 0, 0, 0, 0, /**/ 1, /**/ 'x', 'y', 'z', /**/ 1, 127, /**/ 0, 0xFF,
             0xFF});
  EXPECT_EQ(out, expected);
}

TEST(RowBinaryEncoderTest, LongStringsGetATwoByteLengthAndSplitBatchesConcatenate) {
  TestColumns whole, first, second;
  const std::string long_text(200, 'x');  // length 200 = 0xC8 0x01 as a VarUInt
  for (TestColumns* t : {&whole, &first, &second}) {
    t->Add("s", LogicalType::String(), "String");
    t->Add("n", LogicalType::BigInt(), "Int64");
  }
  auto fill = [&](TestColumns* t, int from, int to) {
    auto& s = const_cast<Column&>(t->batch.column(0));
    auto& n = const_cast<Column&>(t->batch.column(1));
    for (int i = from; i < to; ++i) {
      s.AppendString(i == 1 ? long_text : std::string(static_cast<size_t>(i), 'a'));
      n.AppendInt(i);
    }
    t->batch.num_rows = static_cast<size_t>(to - from);
  };
  fill(&whole, 0, 3);
  fill(&first, 0, 2);
  fill(&second, 2, 3);
  std::string all, split;
  RowBinaryEncoder encoder = whole.Encoder();
  ASSERT_TRUE(encoder.Encode(whole.batch, &all).ok());
  ASSERT_TRUE(encoder.Encode(first.batch, &split).ok());
  ASSERT_TRUE(encoder.Encode(second.batch, &split).ok());
  std::string expected = Bytes({0, 0, 0, 0, 0, 0, 0, 0, 0}) + Bytes({0xC8, 1}) + long_text +
                         Bytes({1, 0, 0, 0, 0, 0, 0, 0}) +
                         Bytes({2, 'a', 'a', 2, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(all, expected);
  EXPECT_EQ(split, expected);
}

TEST(RowBinaryEncoderTest, ValueOutsideTheTargetAndNullIntoNonNullableAreDataErrors) {
  TestColumns t;
  Column& u = t.Add("u", LogicalType::BigInt(), "UInt8");
  u.AppendInt(255);
  u.AppendInt(256);
  t.batch.num_rows = 2;
  std::string out;
  Status status = t.Encoder().Encode(t.batch, &out);
  EXPECT_EQ(status.code(), StatusCode::kDataError);
  EXPECT_NE(status.message().find("value 256 of column 'u' does not fit ClickHouse type UInt8"),
            std::string::npos)
      << status.ToString();

  TestColumns n;
  n.Add("s", LogicalType::String(), "String").AppendNull();
  n.batch.num_rows = 1;
  status = n.Encoder().Encode(n.batch, &out);
  EXPECT_EQ(status.code(), StatusCode::kDataError);
  EXPECT_NE(status.message().find("NULL in column 's'"), std::string::npos) << status.ToString();
}

}  // namespace
}  // namespace sluice::connectors
