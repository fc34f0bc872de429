#include <gtest/gtest.h>

#include "connectors/clickhouse/clickhouse_table_creator.h"
#include "connectors/tests/clickhouse_test_table.h"

namespace sluice::connectors {
namespace {

constexpr const char* kDb = "created";

// id BIGINT NOT NULL, ok BOOLEAN NOT NULL, name STRING, price DECIMAL(10, 2), f FLOAT,
// ts TIMESTAMP(3), d DATE; one row with values, one with NULLs where the created table allows.
std::shared_ptr<Batch> MixedRows() {
  BatchBuilder b;
  Column* id = b.Add("id", LogicalType::BigInt().WithNullable(false));
  Column* ok = b.Add("ok", LogicalType::Boolean().WithNullable(false));
  Column* name = b.Add("name", LogicalType::String());
  Column* price = b.Add("price", LogicalType::Decimal(10, 2));
  Column* f = b.Add("f", LogicalType::Float());
  Column* ts = b.Add("ts", LogicalType::Timestamp(3));
  Column* d = b.Add("d", LogicalType::Date());
  id->AppendInt(7);
  ok->AppendBool(true);
  name->AppendString("ä b");
  price->AppendInt(12345);  // 123.45
  f->AppendDouble(0.5);
  ts->AppendInt(1709287261999);  // 2024-03-01 10:01:01.999 -> DateTime 10:01:01
  d->AppendInt(19783);           // 2024-03-01
  id->AppendInt(8);
  ok->AppendBool(false);
  name->AppendNull();
  price->AppendNull();
  f->AppendNull();
  ts->AppendNull();
  d->AppendInt(19784);  // 2024-03-02: d is in the partition key, so not Nullable
  return b.Build();
}

TEST(ClickHouseCreateTableTest, CreatesDatabaseAndTableWithMappedTypesKeyAndPartition) {
  testing::ClickHouseServer* server = ClickHouseTestTable::Server(kDb);
  ASSERT_NE(server, nullptr);
  ClickHouseTestTable::Query(server, "DROP DATABASE created");  // the sink creates it again
  std::shared_ptr<Batch> batch = MixedRows();
  ClickHouseSinkOptions options = ClickHouseTestTable::Options(server, kDb, "t");
  options.create_table = true;
  options.primary_key = {"id"};
  options.partition_by = "toYYYYMM(d)";
  auto sink = ClickHouseTestTable::Sink(options, batch->schema);
  Status open = sink->Open();
  ASSERT_TRUE(open.ok()) << open.ToString();

  // 18.16 has no DateTime64: TIMESTAMP(3) becomes DateTime. Sort and partition key columns (id,
  // d) are not Nullable.
  EXPECT_EQ(ClickHouseTestTable::Query(server,
                                       "SELECT name, type FROM system.columns WHERE database = "
                                       "'created' AND table = 't' FORMAT TabSeparated"),
            "id\tInt64\n"
            "ok\tUInt8\n"
            "name\tNullable(String)\n"
            "price\tNullable(Decimal(10, 2))\n"
            "f\tNullable(Float32)\n"
            "ts\tNullable(DateTime)\n"
            "d\tDate\n");
  std::string ddl =
      ClickHouseTestTable::Query(server, "SHOW CREATE TABLE created.t FORMAT TabSeparatedRaw");
  EXPECT_NE(ddl.find("PARTITION BY toYYYYMM(d)"), std::string::npos) << ddl;
  EXPECT_NE(ddl.find("ORDER BY id"), std::string::npos) << ddl;

  ASSERT_TRUE(sink->Write(EpochId(1), 0, *batch).ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());
  EXPECT_EQ(
      ClickHouseTestTable::Query(server, "SELECT * FROM created.t ORDER BY id FORMAT TabSeparated"),
      "7\t1\tä b\t123.45\t0.5\t2024-03-01 10:01:01\t2024-03-01\n"
      "8\t0\t\\N\t\\N\t\\N\t\\N\t2024-03-02\n");
}

TEST(ClickHouseCreateTableTest, ExistingTableIsLeftAsItIs) {
  testing::ClickHouseServer* server = ClickHouseTestTable::Server(kDb);
  ASSERT_NE(server, nullptr);
  ClickHouseTestTable::Query(server,
                             "CREATE TABLE created.t (id Int64, extra String DEFAULT 'x') "
                             "ENGINE = MergeTree ORDER BY id");
  BatchBuilder b;
  b.Add("id", LogicalType::BigInt())->AppendInt(3);
  std::shared_ptr<Batch> batch = b.Build();
  ClickHouseSinkOptions options = ClickHouseTestTable::Options(server, kDb, "t");
  options.create_table = true;
  auto sink = ClickHouseTestTable::Sink(options, batch->schema);
  ASSERT_TRUE(sink->Open().ok());
  ASSERT_TRUE(sink->Write(EpochId(1), 0, *batch).ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());
  EXPECT_EQ(ClickHouseTestTable::Query(server, "SELECT * FROM created.t FORMAT TabSeparated"),
            "3\tx\n");
}

TEST(ClickHouseCreateTableTest, StatementWithoutKeyOrdersByTupleAndUsesDateTime64WhenThere) {
  ClickHouseTableCreator::Definition definition;
  definition.database = "db";
  definition.table = "t";
  definition.schema.Add({"k", LogicalType::String()});
  definition.schema.Add({"at", LogicalType::TimestampLtz(3).WithNullable(false)});
  definition.schema.Add({"n", LogicalType::Int()});
  auto with64 = ClickHouseTableCreator::CreateTableStatement(definition, true);
  ASSERT_TRUE(with64.ok());
  EXPECT_EQ(*with64,
            "CREATE TABLE IF NOT EXISTS `db`.`t` (`k` Nullable(String), `at` DateTime64(3), "
            "`n` Nullable(Int32)) ENGINE = MergeTree() ORDER BY tuple()");
  definition.order_by = "k, toDate(at)";
  auto without64 = ClickHouseTableCreator::CreateTableStatement(definition, false);
  ASSERT_TRUE(without64.ok());
  EXPECT_EQ(*without64,
            "CREATE TABLE IF NOT EXISTS `db`.`t` (`k` String, `at` DateTime, "
            "`n` Nullable(Int32)) ENGINE = MergeTree() ORDER BY (k, toDate(at))");
}

TEST(ClickHouseCreateTableTest, PartialAggregatesGetASummingMergeTreeOrderedByTheirKeys) {
  ClickHouseTableCreator::Definition definition;
  definition.database = "db";
  definition.table = "t";
  definition.schema.Add({"k", LogicalType::String()});
  definition.schema.Add({"ws", LogicalType::Timestamp(3)});
  definition.schema.Add({"n", LogicalType::BigInt().WithNullable(false)});
  definition.schema.Add({"lo", LogicalType::Double()});
  definition.schema.Add({"hi", LogicalType::Int()});
  definition.partial_merge = {"", "", "sum", "min", "max"};
  auto statement = ClickHouseTableCreator::CreateTableStatement(definition, false);
  ASSERT_TRUE(statement.ok());
  EXPECT_EQ(*statement,
            "CREATE TABLE IF NOT EXISTS `db`.`t` (`k` String, `ws` DateTime, `n` Int64, `lo` "
            "AggregateFunction(min, Float64), `hi` AggregateFunction(max, Int32)) ENGINE = "
            "SummingMergeTree() ORDER BY (`k`, `ws`)");
}

}  // namespace
}  // namespace sluice::connectors
