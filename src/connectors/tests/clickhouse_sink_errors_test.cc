#include <gtest/gtest.h>

#include "connectors/tests/clickhouse_test_table.h"

namespace sluice::connectors {
namespace {

constexpr const char* kDb = "errs";

std::shared_ptr<Batch> IdAndDay(int64_t id, int64_t day) {
  BatchBuilder b;
  b.Add("id", LogicalType::BigInt())->AppendInt(id);
  b.Add("day", LogicalType::BigInt())->AppendInt(day);
  return b.Build();
}

class ClickHouseSinkErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = ClickHouseTestTable::Server(kDb);
    ASSERT_NE(server_, nullptr);
    ClickHouseTestTable::Query(server_,
                               "CREATE TABLE errs.t (id Int64, day Date, tag Enum8('a' = 1)) "
                               "ENGINE = MergeTree ORDER BY id");
  }
  testing::ClickHouseServer* server_ = nullptr;
};

TEST_F(ClickHouseSinkErrorsTest, WrongTypeMappingFailsAtOpenNamingColumnTypesAndTable) {
  std::shared_ptr<Batch> batch = IdAndDay(1, 2);
  auto sink =
      ClickHouseTestTable::Sink(ClickHouseTestTable::Options(server_, kDb, "t"), batch->schema);
  Status open = sink->Open();
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.code(), StatusCode::kPlanError);
  EXPECT_NE(open.message().find("column 'day' of type BIGINT"), std::string::npos)
      << open.message();
  EXPECT_NE(open.message().find("of type Date"), std::string::npos) << open.message();
  EXPECT_NE(open.message().find("errs.t"), std::string::npos) << open.message();
}

TEST_F(ClickHouseSinkErrorsTest, ColumnMissingFromTheTableFailsAtOpen) {
  BatchBuilder b;
  b.Add("id", LogicalType::BigInt())->AppendInt(1);
  b.Add("price", LogicalType::Double())->AppendDouble(1);
  auto sink =
      ClickHouseTestTable::Sink(ClickHouseTestTable::Options(server_, kDb, "t"), b.schema());
  Status open = sink->Open();
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.message().find("column 'price' has no column of that name"), std::string::npos)
      << open.message();
}

TEST_F(ClickHouseSinkErrorsTest, UnknownTableFailsAtOpen) {
  BatchBuilder b;
  b.Add("id", LogicalType::BigInt())->AppendInt(1);
  auto sink =
      ClickHouseTestTable::Sink(ClickHouseTestTable::Options(server_, kDb, "nope"), b.schema());
  Status open = sink->Open();
  EXPECT_EQ(open.code(), StatusCode::kNotFound) << open.ToString();
  EXPECT_NE(open.message().find("errs.nope"), std::string::npos) << open.message();
}

TEST_F(ClickHouseSinkErrorsTest, ValueOutsideTheTargetIsADataErrorAndNothingIsSent) {
  BatchBuilder b;
  b.Add("id", LogicalType::BigInt())->AppendInt(1);
  b.Add("tag", LogicalType::String())->AppendString("zz");
  auto sink =
      ClickHouseTestTable::Sink(ClickHouseTestTable::Options(server_, kDb, "t"), b.schema());
  ASSERT_TRUE(sink->Open().ok());
  Status write = sink->Write(EpochId(1), 0, *b.Build());
  EXPECT_EQ(write.code(), StatusCode::kDataError);
  EXPECT_NE(write.message().find("'zz' of column 'tag'"), std::string::npos) << write.message();
  ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());
  EXPECT_EQ(ClickHouseTestTable::Query(server_, "SELECT count() FROM errs.t"), "0\n");
}

TEST_F(ClickHouseSinkErrorsTest, TableDroppedAfterOpenReturnsClickHousesMessage) {
  BatchBuilder b;
  b.Add("id", LogicalType::BigInt())->AppendInt(1);
  auto sink =
      ClickHouseTestTable::Sink(ClickHouseTestTable::Options(server_, kDb, "t"), b.schema());
  ASSERT_TRUE(sink->Open().ok());
  ClickHouseTestTable::Query(server_, "DROP TABLE errs.t");
  ASSERT_TRUE(sink->Write(EpochId(1), 0, *b.Build()).ok());
  Status commit = sink->CommitEpoch(EpochId(1));
  EXPECT_FALSE(commit.retryable()) << commit.ToString();
  EXPECT_NE(commit.message().find("doesn't exist"), std::string::npos) << commit.message();
  EXPECT_EQ(sink->counters().failures, 1);
  EXPECT_EQ(sink->counters().retries, 0);
}

TEST_F(ClickHouseSinkErrorsTest, ServerThatNeverAnswersIsUnavailableAfterTheWait) {
  BatchBuilder b;
  b.Add("id", LogicalType::BigInt())->AppendInt(1);
  ClickHouseSinkOptions options = ClickHouseTestTable::Options(server_, kDb, "t");
  options.url = "http://127.0.0.1:1";  // nothing listens on port 1
  options.wait_for_server_ms = 300;
  auto sink = ClickHouseTestTable::Sink(options, b.schema());
  Status open = sink->Open();
  EXPECT_TRUE(open.retryable()) << open.ToString();
  EXPECT_NE(open.message().find("did not answer within sink.wait-for-server"), std::string::npos)
      << open.message();
}

}  // namespace
}  // namespace sluice::connectors
