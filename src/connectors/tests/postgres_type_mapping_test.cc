#include <gtest/gtest.h>

#include "connectors/tests/postgres_test_table.h"

namespace sluice::connectors {
namespace {

std::shared_ptr<Batch> Rows(LogicalType amount_type) {
  BatchBuilder b;
  b.Add("id", LogicalType::BigInt())->AppendInt(1);
  Column* amount = b.Add("amount", amount_type);
  if (amount_type.id == TypeId::kString) {
    amount->AppendString("12");
  } else {
    amount->AppendInt(2147483648LL);  // one past int4's maximum
  }
  return b.Build();
}

TEST(PostgresTypeMappingTest, ImpossibleMappingFailsAtOpenNamingColumnTypesAndTable) {
  testing::PostgresServer* server = PostgresTestTable::Server("mapping");
  ASSERT_NE(server, nullptr);
  PostgresTestTable::Execute(server, "CREATE TABLE mapping.m (id bigint, amount integer)");
  auto sink = PostgresTestTable::Sink(PostgresTestTable::Options(server, "mapping.m"),
                                      Rows(LogicalType::String())->schema);
  Status opened = sink->Open();
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.code(), StatusCode::kPlanError);
  EXPECT_EQ(opened.message(),
            "column 'amount' of type STRING cannot be written to column 'amount' of type integer "
            "in PostgreSQL table mapping.m");
}

TEST(PostgresTypeMappingTest, MissingColumnAndTableAreNamed) {
  testing::PostgresServer* server = PostgresTestTable::Server("mapping2");
  ASSERT_NE(server, nullptr);
  PostgresTestTable::Execute(server, "CREATE TABLE mapping2.m (id bigint, total integer)");
  auto sink = PostgresTestTable::Sink(PostgresTestTable::Options(server, "mapping2.m"),
                                      Rows(LogicalType::BigInt())->schema);
  Status opened = sink->Open();
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.message(),
            "column 'amount' has no column of that name in PostgreSQL table mapping2.m (it has: "
            "id bigint, total integer)");
  auto missing = PostgresTestTable::Sink(PostgresTestTable::Options(server, "mapping2.nope"),
                                         Rows(LogicalType::BigInt())->schema);
  opened = missing->Open();
  EXPECT_EQ(opened.code(), StatusCode::kNotFound);
  EXPECT_EQ(opened.message(), "PostgreSQL table mapping2.nope does not exist");
}

// BIGINT into integer is allowed; a value outside integer's range is a data error naming the
// column and the value, and nothing of the epoch is written.
TEST(PostgresTypeMappingTest, OutOfRangeValueIsDataError) {
  testing::PostgresServer* server = PostgresTestTable::Server("mapping3");
  ASSERT_NE(server, nullptr);
  PostgresTestTable::Execute(server, "CREATE TABLE mapping3.m (id bigint, amount integer)");
  auto sink = PostgresTestTable::Sink(PostgresTestTable::Options(server, "mapping3.m"),
                                      Rows(LogicalType::BigInt())->schema);
  ASSERT_TRUE(sink->Open().ok());
  Status written = sink->Write(EpochId(1), 0, *Rows(LogicalType::BigInt()));
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.code(), StatusCode::kDataError);
  EXPECT_NE(written.message().find("value 2147483648 of column 'amount' is out of range for "
                                   "integer"),
            std::string::npos)
      << written.message();
  EXPECT_EQ(PostgresTestTable::Lines(server, "SELECT count(*) FROM mapping3.m"),
            std::vector<std::string>{"0"});
}

TEST(PostgresTypeMappingTest, OptionsAreCheckedAndPasswordNeverShown) {
  std::map<std::string, std::string> options = {{"table-name", "t"}, {"sink.bogus", "1"}};
  EXPECT_FALSE(PostgresSinkOptions::Parse(options).ok());
  options = {{"url", "postgresql://u:s3cret@db.example:6543/shop"},
             {"table-name", "public.t"},
             {"sink.batch-size", "500"},
             {"sink.flush-interval", "2 s"}};
  auto parsed = PostgresSinkOptions::Parse(options);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->batch_size, 500);
  EXPECT_EQ(parsed->flush_interval_ms, 2000);
  EXPECT_EQ(parsed->DisplayTarget(), "db.example:6543/shop");
  BatchBuilder b;
  b.Add("id", LogicalType::BigInt());
  PostgresSink sink(*parsed, b.schema(), {"id"}, {}, false, "p", "s");
  EXPECT_EQ(sink.Describe(),
            "postgres db.example:6543/shop public.t, exactly-once (epoch ids in sluice_commits)");
  options = {{"hostname", "h"},
             {"port", "5"},
             {"database-name", "d"},
             {"table-name", "t"},
             {"password", "pw"}};
  parsed = PostgresSinkOptions::Parse(options);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->DisplayTarget(), "h:5/d");
  EXPECT_FALSE(PostgresSinkOptions::Parse({{"url", "postgresql://x"}}).ok());  // no table-name
}

}  // namespace
}  // namespace sluice::connectors
