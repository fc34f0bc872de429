#include "connectors/clickhouse/clickhouse_ddl_applier.h"

#include <gtest/gtest.h>

namespace sluice::connectors {
namespace {

TEST(ClickHouseDdlApplierTest, SplitsOnSemicolonsOutsideQuotesAndComments) {
  auto statements = ClickHouseDdlApplier::Split(
      "-- header; comment\n"
      "CREATE TABLE a (s String DEFAULT 'x;\\'y') ENGINE = Log;\n"
      "\n"
      "/* block;\n comment */ SELECT \"q;\", `b;c` -- tail; comment\n"
      ";  ;\n"
      "SELECT 1");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0].text, "CREATE TABLE a (s String DEFAULT 'x;\\'y') ENGINE = Log");
  EXPECT_EQ(statements[0].line, 2);
  EXPECT_EQ(statements[1].text, "SELECT \"q;\", `b;c`");
  EXPECT_EQ(statements[1].line, 5);
  EXPECT_EQ(statements[2].text, "SELECT 1");
  EXPECT_EQ(statements[2].line, 7);
}

TEST(ClickHouseDdlApplierTest, ParsesWhatACreateStatementCreates) {
  auto table = ClickHouseDdlApplier::ParseCreate("create table if not exists `db`.t (x Int8)");
  ASSERT_TRUE(table.has_value());
  EXPECT_FALSE(table->is_database);
  EXPECT_EQ(table->database, "db");
  EXPECT_EQ(table->name, "t");
  auto view = ClickHouseDdlApplier::ParseCreate("CREATE MATERIALIZED VIEW mv TO t AS SELECT 1");
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->database, "");
  EXPECT_EQ(view->name, "mv");
  auto database = ClickHouseDdlApplier::ParseCreate("/* c */ CREATE DATABASE IF NOT EXISTS d");
  ASSERT_TRUE(database.has_value());
  EXPECT_TRUE(database->is_database);
  EXPECT_EQ(database->database, "d");
  EXPECT_FALSE(ClickHouseDdlApplier::ParseCreate("ALTER TABLE t ADD COLUMN y Int8").has_value());
}

}  // namespace
}  // namespace sluice::connectors
