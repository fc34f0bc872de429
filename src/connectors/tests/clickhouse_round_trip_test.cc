#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "connectors/tests/clickhouse_test_table.h"

namespace sluice::connectors {
namespace {

constexpr const char* kDb = "rt";

// Every supported ClickHouse type, with a defaulted column the sink does not write.
constexpr const char* kColumns =
    "id Int64, i8 Int8, i16 Int16, i32 Int32, i64 Int64, u8 UInt8, u16 UInt16, u32 UInt32, "
    "u64 UInt64, f32 Float32, f64 Float64, dec Decimal(10, 2), dec64 Decimal64(4), "
    "dec128 Decimal128(3), s String, fs FixedString(4), d Date, dt DateTime, "
    "dtz DateTime('Asia/Tokyo'), dfromdate DateTime, e Enum8('a' = 1, 'b' = -2), "
    "e16 Enum16('x' = 1000, 'y' = -1000), arr Array(Int32), arrs Array(Nullable(String)), "
    "u UUID, ns Nullable(String), ni Nullable(Int64), nd Nullable(Decimal(10, 2)), "
    "lc LowCardinality(String), lcn LowCardinality(Nullable(String)), def String DEFAULT 'dflt'";

// The same rows as SQL literals, worked out by hand from the values the batch holds.
constexpr const char* kExpectedValues =
    "(1, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0, 1.5, -0.0, -12.34, "
    "-12.3400, -9223372036854775808.000, '', 'ab', '1970-01-01', toDateTime(0), toDateTime(0), "
    "toDateTime(0), 'a', 'x', [], [], '00000000-0000-0000-0000-000000000000', NULL, NULL, NULL, "
    "'', NULL, 'dflt'), "
    "(2, 127, 32767, 2147483647, 9223372036854775807, 1, 65535, 4294967295, "
    "9223372036854775807, inf, nan, 99999999.99, 99999999.9900, 9223372036854775807.000, "
    "'h\\xC3\\xA9llo \\xE4\\xB8\\x96\\xE7\\x95\\x8C\\t\\n\\'\\\\', 'abcd', '2105-12-31', "
    "toDateTime(4291747199), toDateTime(1700000000), toDateTime(4291660800), 'b', 'y', "
    "[1, -2, 2147483647], ['a', NULL, ''], '61f0c404-5cb3-11e7-907b-a6006ad3dba0', 'x', "
    "-9223372036854775808, 0.01, 'k', 'l', 'dflt'), "
    "(3, 0, 0, 0, 0, 1, 1, 1, 9223372036854775807, -inf, 1e308, 0.00, 0.0000, 0.000, ' ', "
    "'\\0\\0\\0\\0', '2000-02-29', toDateTime(951782400), toDateTime(951782400), "
    "toDateTime(951782400), 'a', 'x', [0], [NULL], 'ffffffff-ffff-ffff-ffff-ffffffffffff', '', "
    "0, -0.01, 'k', '', 'dflt')";

std::shared_ptr<Batch> RoundTripBatch(SchemaPtr* schema) {
  BatchBuilder b;
  auto ints = [&](const std::string& name, LogicalType type, std::vector<int64_t> values) {
    Column* c = b.Add(name, type);
    for (int64_t v : values) c->AppendInt(v);
    return c;
  };
  auto strings = [&](const std::string& name, std::vector<std::string> values) {
    Column* c = b.Add(name, LogicalType::String());
    for (const auto& v : values) c->AppendString(v);
    return c;
  };
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ints("id", LogicalType::BigInt(), {1, 2, 3});
  ints("i8", LogicalType::Int(), {-128, 127, 0});
  ints("i16", LogicalType::Int(), {-32768, 32767, 0});
  ints("i32", LogicalType::Int(), {-2147483648LL, 2147483647, 0});
  ints("i64", LogicalType::BigInt(), {kMin, kMax, 0});
  Column* u8 = b.Add("u8", LogicalType::Boolean());
  for (bool v : {false, true, true}) u8->AppendBool(v);
  ints("u16", LogicalType::Int(), {0, 65535, 1});
  ints("u32", LogicalType::BigInt(), {0, 4294967295LL, 1});
  ints("u64", LogicalType::BigInt(), {0, kMax, kMax});
  Column* f32 = b.Add("f32", LogicalType::Float());
  for (double v :
       {1.5, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    f32->AppendDouble(v);
  }
  Column* f64 = b.Add("f64", LogicalType::Double());
  for (double v : {-0.0, std::nan(""), 1e308}) f64->AppendDouble(v);
  ints("dec", LogicalType::Decimal(10, 2), {-1234, 9999999999, 0});
  ints("dec64", LogicalType::Decimal(10, 2), {-1234, 9999999999, 0});
  ints("dec128", LogicalType::BigInt(), {kMin, kMax, 0});
  strings("s", {"", "h\xC3\xA9llo \xE4\xB8\x96\xE7\x95\x8C\t\n'\\", " "});
  strings("fs", {"ab", "abcd", std::string(4, '\0')});
  // 18.16 prints dates up to 2105-12-31 (day 49672) only.
  ints("d", LogicalType::Date(), {0, 49672, 11016});
  ints("dt", LogicalType::Timestamp(3), {0, 4291747199999, 951782400000});
  ints("dtz", LogicalType::TimestampLtz(3), {999, 1700000000123, 951782400000});
  ints("dfromdate", LogicalType::Date(), {0, 49672, 11016});
  strings("e", {"a", "b", "a"});
  strings("e16", {"x", "y", "x"});
  strings("arr", {"[]", "[1, -2, 2147483647]", "[0]"});
  strings("arrs", {"[]", R"(["a", null, ""])", "[null]"});
  strings("u", {"00000000-0000-0000-0000-000000000000", "61f0c404-5cb3-11e7-907b-a6006ad3dba0",
                "ffffffffffffffffffffffffffffffff"});
  Column* ns = strings("ns", {"", "x", ""});
  ns->SetNull(0);
  Column* ni = ints("ni", LogicalType::BigInt(), {0, kMin, 0});
  ni->SetNull(0);
  Column* nd = ints("nd", LogicalType::Decimal(5, 2), {0, 1, -1});
  nd->SetNull(0);
  strings("lc", {"", "k", "k"});
  Column* lcn = strings("lcn", {"", "l", ""});
  lcn->SetNull(0);
  *schema = b.schema();
  return b.Build();
}

TEST(ClickHouseRoundTripTest, EveryTypeReadsBackAsWritten) {
  testing::ClickHouseServer* server = ClickHouseTestTable::Server(kDb);
  ASSERT_NE(server, nullptr);
  for (const char* table : {"t", "expected"}) {
    ClickHouseTestTable::Query(server, fmt::format("CREATE TABLE {}.{} ({}) ENGINE = MergeTree "
                                                   "ORDER BY id",
                                                   kDb, table, kColumns));
  }
  ClickHouseTestTable::Query(
      server, fmt::format("INSERT INTO {}.expected VALUES {}", kDb, kExpectedValues));
  SchemaPtr schema;
  std::shared_ptr<Batch> batch = RoundTripBatch(&schema);
  auto sink = ClickHouseTestTable::Sink(ClickHouseTestTable::Options(server, kDb, "t"), schema);
  ASSERT_TRUE(sink->Open().ok());
  Status written = sink->Write(EpochId(1), 0, *batch);
  ASSERT_TRUE(written.ok()) << written.ToString();
  ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());
  constexpr const char* kSelect = "SELECT * FROM {}.{} ORDER BY id FORMAT JSONEachRow";
  std::string actual = ClickHouseTestTable::Query(server, fmt::format(kSelect, kDb, "t"));
  std::string expected = ClickHouseTestTable::Query(server, fmt::format(kSelect, kDb, "expected"));
  EXPECT_EQ(actual, expected);
  // A few values checked against their text by hand, independent of the reference table.
  EXPECT_EQ(ClickHouseTestTable::Query(
                server, fmt::format("SELECT d, dt, toString(dtz), s, fs, u, def, arrs FROM {}.t "
                                    "WHERE id = 2 FORMAT TabSeparated",
                                    kDb)),
            "2105-12-31\t2105-12-31 23:59:59\t2023-11-15 07:13:20\th\xC3\xA9llo "
            "\xE4\xB8\x96\xE7\x95\x8C\\t\\n\\'\\\\\tabcd\t61f0c404-5cb3-11e7-907b-a6006ad3dba0\t"
            "dflt\t['a',NULL,'']\n");
  EXPECT_EQ(sink->counters().rows, 3);
  EXPECT_EQ(sink->counters().inserts, 1);
}

}  // namespace
}  // namespace sluice::connectors
