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

TEST(RowBinaryEncoderTest, MinAndMaxStatesTakeAValueFlagAndNullIsAnEmptyState) {
  TestColumns t;
  Column& lo = t.Add("lo", LogicalType::Double(), "AggregateFunction(min, Float64)");
  Column& hi = t.Add("hi", LogicalType::BigInt(), "AggregateFunction(max, Int32)");
  lo.AppendDouble(1.5);
  lo.AppendNull();
  hi.AppendInt(7);
  hi.AppendNull();
  t.batch.num_rows = 2;
  std::string out;
  ASSERT_TRUE(t.Encoder().Encode(t.batch, &out).ok());
  // A single-value state is its "has a value" byte (1), then the value; no value is a 0 byte.
  EXPECT_EQ(out, Bytes({1, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 1, 7, 0, 0, 0}) + Bytes({0, 0}));
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

// Found by fuzz/row_binary_encoder_fuzzer: an empty string (a view without data) was handed to
// simdjson and memcpy as a null pointer; as a JSON array it is a bad value.
TEST(RowBinaryEncoderTest, EmptyStringsEncodeAndAreNoJsonArray) {
  TestColumns t;
  t.Add("s", LogicalType::String(), "String").AppendString("");
  t.Add("f", LogicalType::String(), "FixedString(2)").AppendString("");
  t.batch.num_rows = 1;
  std::string out;
  ASSERT_TRUE(t.Encoder().Encode(t.batch, &out).ok());
  EXPECT_EQ(out, Bytes({0, 0, 0}));

  TestColumns a;
  a.Add("arr", LogicalType::String(), "Array(Int8)").AppendString("");
  a.batch.num_rows = 1;
  Status status = a.Encoder().Encode(a.batch, &out);
  EXPECT_EQ(status.code(), StatusCode::kDataError);
  EXPECT_NE(status.message().find("value '' of column 'arr'"), std::string::npos)
      << status.ToString();
}

// Found by fuzz/row_binary_encoder_fuzzer: DateTime64 with fewer than 3 digits divided a day
// count's milliseconds after cutting them to 64 bits, writing a wrong time for far dates.
TEST(RowBinaryEncoderTest, FarDateIntoDateTime64InSecondsIsExact) {
  TestColumns t;
  t.Add("d", LogicalType::Date(), "DateTime64(0)").AppendInt(200'000'000'000);  // ms pass int64
  t.batch.num_rows = 1;
  std::string out;
  ASSERT_TRUE(t.Encoder().Encode(t.batch, &out).ok());
  const int64_t seconds = 200'000'000'000 * 86'400;
  EXPECT_EQ(out, std::string(reinterpret_cast<const char*>(&seconds), 8));
}

std::string Int128Bytes(__int128 v) { return std::string(reinterpret_cast<const char*>(&v), 16); }

// Found by fuzz/row_binary_encoder_fuzzer: a DOUBLE scaled past int64 went through llround,
// whose result is then unspecified, and a wrong value passed the precision check.
TEST(RowBinaryEncoderTest, DoubleBeyondInt64AfterScalingIsCheckedExactly) {
  TestColumns t;
  Column& narrow = t.Add("narrow", LogicalType::Double(), "Decimal(26, 23)");
  Column& wide = t.Add("wide", LogicalType::Double(), "Decimal(38, 2)");
  narrow.AppendDouble(-465655.625);  // 29 digits at scale 23: does not fit 26
  wide.AppendDouble(1e20);
  t.batch.num_rows = 1;
  RowBinaryEncoder encoder = t.Encoder();
  std::string out;
  Status status = encoder.Encode(t.batch, &out);
  EXPECT_EQ(status.code(), StatusCode::kDataError);
  EXPECT_NE(status.message().find("column 'narrow'"), std::string::npos) << status.ToString();

  narrow.doubles()[0] = -4656.5;  // 27 digits at scale 23: still too many
  EXPECT_EQ(encoder.Encode(t.batch, &out).code(), StatusCode::kDataError);
  narrow.doubles()[0] = -465.5;  // 26 digits: fits (and -465.5 * 10^18 is exact in a double)
  out.clear();
  ASSERT_TRUE(encoder.Encode(t.batch, &out).ok());
  __int128 e23 = 1;
  for (int i = 0; i < 23; ++i) e23 *= 10;
  EXPECT_EQ(out, Int128Bytes(-4655 * e23 / 10) + Int128Bytes(e23 / 10));  // 1e20 * 100
}

// An INT into a Decimal with more than 18 fraction digits: the scale factor 10^20 was cut to
// 64 bits (found while writing the fuzz target's round trip check).
TEST(RowBinaryEncoderTest, IntegerIntoDecimalWithScaleAbove18) {
  TestColumns t;
  t.Add("i", LogicalType::Int(), "Decimal(38, 20)").AppendInt(-3);
  t.batch.num_rows = 1;
  std::string out;
  ASSERT_TRUE(t.Encoder().Encode(t.batch, &out).ok());
  __int128 e20 = 1;
  for (int i = 0; i < 20; ++i) e20 *= 10;
  EXPECT_EQ(out, Int128Bytes(-3 * e20));
}

// ---- ROW, ARRAY and MAP into Tuple, Array and Map ----

TEST(RowBinaryEncoderTest, RowIntoTupleWithNullAtEachLevel) {
  TestColumns t;
  LogicalType type = LogicalType::Row({"a", "s"}, {LogicalType::Int(), LogicalType::String()});
  Column& r = t.Add("r", type, "Tuple(Int32, Nullable(String))");
  r.child(0).AppendInt(1);
  r.child(1).AppendString("x");
  r.EndNestedValue();
  r.child(0).AppendNull();  // a NULL field of a non-Nullable element: its default
  r.child(1).AppendNull();  // of a Nullable one: the NULL flag
  r.EndNestedValue();
  r.AppendNull();  // no Nullable(Tuple): a tuple of NULL fields
  t.batch.num_rows = 3;
  std::string out;
  ASSERT_TRUE(t.Encoder().Encode(t.batch, &out).ok());
  EXPECT_EQ(out, Bytes({1, 0, 0, 0, 0, 1, 'x'}) + Bytes({0, 0, 0, 0, 1}) + Bytes({0, 0, 0, 0, 1}));
}

TEST(RowBinaryEncoderTest, ArrayIntoArrayEmptyAndNull) {
  TestColumns t;
  Column& a = t.Add("a", LogicalType::Array(LogicalType::BigInt()), "Array(Nullable(Int64))");
  Column& b = t.Add("b", LogicalType::Array(LogicalType::Int()), "Array(UInt8)");
  a.child(0).AppendInt(1);
  a.child(0).AppendNull();
  a.EndNestedValue();
  b.child(0).AppendInt(255);
  b.child(0).AppendNull();  // NULL element of a non-Nullable element type: 0
  b.EndNestedValue();
  a.EndNestedValue();  // []
  b.EndNestedValue();
  a.AppendNull();  // no Nullable(Array): []
  b.AppendNull();
  t.batch.num_rows = 3;
  std::string out;
  ASSERT_TRUE(t.Encoder().Encode(t.batch, &out).ok());
  EXPECT_EQ(out,
            Bytes({2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 255, 0}) + Bytes({0, 0}) + Bytes({0, 0}));
}

TEST(RowBinaryEncoderTest, MapIntoMapForServersThatHaveIt) {
  TestColumns t;
  LogicalType type = LogicalType::Map(LogicalType::String(), LogicalType::Int());
  Column& m = t.Add("m", type, "Map(String, Nullable(Int32))");
  m.child(0).AppendString("k");
  m.child(1).AppendInt(5);
  m.child(0).AppendString("n");
  m.child(1).AppendNull();
  m.EndNestedValue();
  m.EndNestedValue();  // {}
  m.AppendNull();      // no Nullable(Map): {}
  t.batch.num_rows = 3;
  std::string out;
  ASSERT_TRUE(t.Encoder().Encode(t.batch, &out).ok());
  EXPECT_EQ(out, Bytes({2, 1, 'k', 0, 5, 0, 0, 0, 1, 'n', 1}) + Bytes({0}) + Bytes({0}));
}

TEST(RowBinaryEncoderTest, FiveLevelsOfNesting) {
  // ARRAY<ROW<p ARRAY<MAP<STRING, ROW<v INT>>>>> into
  // Array(Tuple(Array(Map(String, Tuple(Nullable(Int32)))))).
  LogicalType inner = LogicalType::Row({"v"}, {LogicalType::Int()});
  LogicalType map = LogicalType::Map(LogicalType::String(), inner);
  LogicalType type = LogicalType::Array(LogicalType::Row({"p"}, {LogicalType::Array(map)}));
  TestColumns t;
  Column& c = t.Add("e", type, "Array(Tuple(Array(Map(String, Tuple(Nullable(Int32))))))");
  Column& row = c.child(0);
  Column& p = row.child(0);
  Column& entries = p.child(0);
  // [{p: [{"k": {v: 7}, "n": {v: NULL}}]}, NULL ROW]
  entries.child(0).AppendString("k");
  entries.child(1).child(0).AppendInt(7);
  entries.child(1).EndNestedValue();
  entries.child(0).AppendString("n");
  entries.child(1).child(0).AppendNull();
  entries.child(1).EndNestedValue();
  entries.EndNestedValue();
  p.EndNestedValue();
  row.EndNestedValue();
  row.AppendNull();
  c.EndNestedValue();
  t.batch.num_rows = 1;
  std::string out;
  ASSERT_TRUE(t.Encoder().Encode(t.batch, &out).ok());
  // 2 tuples | p: 1 map | 2 entries | "k" (0 = not NULL) 7 | "n" NULL | NULL ROW: p = []
  EXPECT_EQ(out, Bytes({2, 1, 2, 1, 'k', 0, 7, 0, 0, 0, 1, 'n', 1, 0}));
}

TEST(RowBinaryEncoderTest, NestedShapesThatDoNotMatchAreRefusedAtCreate) {
  LogicalType row = LogicalType::Row({"a", "b"}, {LogicalType::Int(), LogicalType::Int()});
  for (const auto& [source, target] : std::vector<std::pair<LogicalType, std::string>>{
           {row, "Tuple(Int32)"},
           {LogicalType::Array(LogicalType::String()), "Array(Int32)"},
           {LogicalType::Map(LogicalType::String(), LogicalType::Int()), "Array(String)"}}) {
    auto type = ClickHouseType::Parse(target);
    ASSERT_TRUE(type.ok()) << target;
    auto encoder = RowBinaryEncoder::Create({{0, "c", source, *type}}, "db.t");
    EXPECT_FALSE(encoder.ok()) << target;
  }
}

}  // namespace
}  // namespace sluice::connectors
