// `sluice run` with 'sink.create-table' = 'true': the sink creates the missing database and
// table from the declared sink columns (PRIMARY KEY as ORDER BY, 'sink.partition-by'), logs the
// DDL, and writes the rows; a second run finds the table and only appends.

#include <gtest/gtest.h>

#include <string>

#include "cli/tests/subprocess.h"
#include "testing/clickhouse_server.h"
#include "testing/clickhouse_test_environment.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

const char* const kPipeline = R"sql(
CREATE TABLE src (id BIGINT, name STRING, amount DECIMAL(10, 2), ts TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = '${INPUT}', 'format' = 'json');

CREATE TABLE dst (
  id BIGINT NOT NULL, name STRING, amount DECIMAL(10, 2), ts TIMESTAMP(3),
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}',
        'database-name' = 'autocreated', 'table-name' = 'dst',
        'sink.create-table' = 'true', 'sink.partition-by' = 'toYYYYMM(ts)');

INSERT INTO dst SELECT id, name, amount, ts FROM src;
)sql";

TEST(ClickHouseCreateTableRunTest, SinkCreatesDatabaseAndTableFromTheDeclaredColumns) {
  auto server_or = sluice::testing::ClickHouseServer::Shared();
  ASSERT_TRUE(server_or.ok()) << server_or.status().ToString();
  sluice::testing::ClickHouseServer* server = *server_or;
  ASSERT_TRUE(server->Query("DROP DATABASE IF EXISTS autocreated").ok());
  TempDir dir;
  std::string input = dir.Write("in.ndjson",
                                "{\"id\": 2, \"name\": \"b\", \"amount\": 1.5, \"ts\": "
                                "\"2024-03-01T10:00:00Z\"}\n"
                                "{\"id\": 1, \"name\": null, \"amount\": null, \"ts\": "
                                "\"2024-04-01T00:00:01.500Z\"}\n");
  std::string sql = dir.Write("p.sql", kPipeline);
  EnvVars env = {{"INPUT", input}, {"CLICKHOUSE_URL", server->url()}};

  auto first = Subprocess::Run({kSluice, "run", sql}, env, seconds(60));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->exit_code, 0) << first->stderr_text;
  EXPECT_NE(first->stderr_text.find("ran CREATE DATABASE IF NOT EXISTS `autocreated`"),
            std::string::npos)
      << first->stderr_text;
  EXPECT_NE(first->stderr_text.find("ran CREATE TABLE IF NOT EXISTS `autocreated`.`dst`"),
            std::string::npos)
      << first->stderr_text;
  // id is NOT NULL and the sort key; ts is in the partition key, so not Nullable either.
  auto columns = server->Query(
      "SELECT name, type FROM system.columns WHERE database = 'autocreated' AND table = 'dst' "
      "FORMAT TabSeparated");
  ASSERT_TRUE(columns.ok()) << columns.status().ToString();
  EXPECT_EQ(*columns,
            "id\tInt64\n"
            "name\tNullable(String)\n"
            "amount\tNullable(Decimal(10, 2))\n"
            "ts\tDateTime\n");

  auto second = Subprocess::Run({kSluice, "run", sql}, env, seconds(60));
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->exit_code, 0) << second->stderr_text;
  EXPECT_NE(second->stderr_text.find("table autocreated.dst exists, not created"),
            std::string::npos)
      << second->stderr_text;
  auto rows = server->Query(
      "SELECT id, name, amount, ts, count() FROM autocreated.dst GROUP BY id, name, amount, ts "
      "ORDER BY id FORMAT TabSeparated");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows,
            "1\t\\N\t\\N\t2024-04-01 00:00:01\t2\n"
            "2\tb\t1.50\t2024-03-01 10:00:00\t2\n");
}

}  // namespace
}  // namespace sluice::cli::testing
