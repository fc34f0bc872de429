#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "connectors/tests/postgres_test_table.h"

namespace sluice::connectors {
namespace {

constexpr const char* kColumns =
    "id bigint, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision, "
    "num numeric(20, 4), num_int numeric, num_dbl numeric, s text, vc varchar(20), ch char(3), "
    "b boolean, d date, d_ts timestamp, ts timestamp(3), tstz timestamptz, n_i integer, n_s text, "
    "untouched text DEFAULT 'dflt'";

std::shared_ptr<Batch> RoundTripBatch() {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  BatchBuilder b;
  auto ints = [&](const std::string& name, LogicalType type, std::vector<int64_t> values) {
    Column* c = b.Add(name, type);
    for (int64_t v : values) c->AppendInt(v);
    return c;
  };
  auto doubles = [&](const std::string& name, LogicalType type, std::vector<double> values) {
    Column* c = b.Add(name, type);
    for (double v : values) c->AppendDouble(v);
  };
  auto strings = [&](const std::string& name, std::vector<std::string> values) {
    Column* c = b.Add(name, LogicalType::String());
    for (const auto& v : values) c->AppendString(v);
    return c;
  };
  ints("id", LogicalType::BigInt(), {1, 2, 3});
  ints("i2", LogicalType::Int(), {-32768, 32767, 0});
  ints("i4", LogicalType::Int(), {-2147483648LL, 2147483647, 0});
  ints("i8", LogicalType::BigInt(), {kMin, kMax, 0});
  doubles("f4", LogicalType::Float(), {1.5, -kInf, 0.25});
  doubles("f8", LogicalType::Double(), {-0.0, std::nan(""), 1e308});
  ints("num", LogicalType::Decimal(18, 4), {-123456789012345678LL, 999999999999999999LL, 0});
  ints("num_int", LogicalType::BigInt(), {kMin, kMax, 0});
  doubles("num_dbl", LogicalType::Double(), {0.1, 1e20, -2.5});
  strings("s", {"", "tab\there\nnew\\back'quote\"\r", "\\N"});
  strings("vc", {"h\xC3\xA9llo", "\xE4\xB8\x96\xE7\x95\x8C", " "});
  strings("ch", {"ab", "xyz", ""});
  Column* flag = b.Add("b", LogicalType::Boolean());
  for (bool v : {false, true, true}) flag->AppendBool(v);
  ints("d", LogicalType::Date(), {0, 11016, -1});
  ints("d_ts", LogicalType::Date(), {0, 11016, 2932896});
  ints("ts", LogicalType::Timestamp(3), {0, 951782400123, 1});
  ints("tstz", LogicalType::TimestampLtz(3), {1700000000123, -1, 0});
  Column* n_i = ints("n_i", LogicalType::Int(), {0, 7, 0});
  n_i->SetNull(0);
  n_i->SetNull(2);
  Column* n_s = strings("n_s", {"", "", "NULL"});
  n_s->SetNull(0);
  return b.Build();
}

// Every supported type written with COPY and read back as PostgreSQL prints it; the expected
// texts are worked out by hand from the values above.
TEST(PostgresRoundTripTest, EveryTypeReadsBackAsWritten) {
  testing::PostgresServer* server = PostgresTestTable::Server("rt");
  ASSERT_NE(server, nullptr);
  PostgresTestTable::Execute(server, fmt::format("CREATE TABLE rt.t ({})", kColumns));
  std::shared_ptr<Batch> batch = RoundTripBatch();
  auto sink = PostgresTestTable::Sink(PostgresTestTable::Options(server, "rt.t"), batch->schema);
  Status opened = sink->Open();
  ASSERT_TRUE(opened.ok()) << opened.ToString();
  Status written = sink->Write(EpochId(1), 0, *batch);
  ASSERT_TRUE(written.ok()) << written.ToString();
  Status committed = sink->CommitEpoch(EpochId(1));
  ASSERT_TRUE(committed.ok()) << committed.ToString();

  std::vector<std::string> rows = PostgresTestTable::Lines(
      server,
      "SELECT id, i2, i4, i8, f4, f8, num, num_int, num_dbl, s, vc, ch, b, d, d_ts, ts, "
      "tstz, n_i, n_s, untouched FROM rt.t ORDER BY id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0],
            "1\t-32768\t-2147483648\t-9223372036854775808\t1.5\t-0\t-12345678901234.5678\t"
            "-9223372036854775808\t0.1\t\th\xC3\xA9llo\tab \tf\t1970-01-01\t1970-01-01 00:00:00\t"
            "1970-01-01 00:00:00\t2023-11-14 22:13:20.123+00\t\\N\t\\N\tdflt");
  EXPECT_EQ(rows[1],
            "2\t32767\t2147483647\t9223372036854775807\t-Infinity\tNaN\t99999999999999.9999\t"
            "9223372036854775807\t100000000000000000000\ttab\there\nnew\\back'quote\"\r\t"
            "\xE4\xB8\x96\xE7\x95\x8C\txyz\tt\t2000-02-29\t2000-02-29 00:00:00\t"
            "2000-02-29 00:00:00.123\t1969-12-31 23:59:59.999+00\t7\t\tdflt");
  EXPECT_EQ(rows[2],
            "3\t0\t0\t0\t0.25\t1e+308\t0.0000\t0\t-2.5\t\\N\t \t   \tt\t1969-12-31\t"
            "9999-12-31 00:00:00\t1970-01-01 00:00:00.001\t1970-01-01 00:00:00+00\t\\N\tNULL\t"
            "dflt");
  // The string "\N" is not NULL, and the NULLs are real NULLs.
  EXPECT_EQ(PostgresTestTable::Lines(
                server,
                "SELECT count(*) FILTER (WHERE s IS NULL), count(*) FILTER (WHERE n_s IS "
                "NULL), count(*) FILTER (WHERE n_i IS NULL) FROM rt.t"),
            std::vector<std::string>{"0\t1\t2"});
  PostgresSinkCounters counters = sink->counters();
  EXPECT_EQ(counters.rows, 3);
  EXPECT_EQ(counters.epochs, 1);
  EXPECT_GT(counters.bytes, 0);
  EXPECT_EQ(counters.retries, 0);
  EXPECT_EQ(PostgresTestTable::Lines(server, "SELECT pipeline, sink, epoch FROM rt.sluice_commits"),
            std::vector<std::string>{"test\tsink\t1"});
  EXPECT_TRUE(sink->Close().ok());
}

}  // namespace
}  // namespace sluice::connectors
