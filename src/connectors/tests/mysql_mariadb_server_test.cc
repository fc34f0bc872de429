// The MariaDB fixture that CDC tests read binlogs from: it starts on its own port with the
// binlog settings a row-based reader needs, answers queries, and keeps its data across a restart.

#include <gtest/gtest.h>

#include "testing/mariadb_server.h"

namespace sluice::connectors {
namespace {

std::string Value(const Result<std::vector<testing::MariaDbServer::Row>>& rows, size_t column) {
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok() || rows->empty() || (*rows)[0].size() <= column || !(*rows)[0][column]) return "";
  return *(*rows)[0][column];
}

TEST(MysqlMariaDbServerTest, StartsWithRowBinlogAndKeepsDataAcrossRestart) {
  testing::MariaDbServer server;
  Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  EXPECT_GT(server.port(), 0);
  EXPECT_EQ(Value(server.Query("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, "
                               "@@server_id"),
                  1),
            "ROW");
  auto settings = server.Query("SELECT @@log_bin, @@binlog_row_image, @@server_id");
  EXPECT_EQ(Value(settings, 0), "1");
  EXPECT_EQ(Value(settings, 1), "FULL");
  EXPECT_EQ(Value(settings, 2), "1");
  ASSERT_TRUE(server.Query("CREATE TABLE test.t (id INT PRIMARY KEY, name VARCHAR(10))").ok());
  ASSERT_TRUE(server.Query("INSERT INTO test.t VALUES (1, 'a'), (2, NULL)").ok());
  auto rows = server.Query("SELECT id, name FROM test.t ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1][0], std::optional<std::string>("2"));
  EXPECT_EQ((*rows)[1][1], std::nullopt);
  // The inserts are in the binlog: its position moved past the 4-byte magic and the headers.
  EXPECT_GT(std::stoll(Value(server.Query("SHOW MASTER STATUS"), 1)), 4);
  EXPECT_FALSE(server.Query("SELECT * FROM test.missing").ok());

  server.Stop();
  EXPECT_FALSE(server.running());
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(Value(server.Query("SELECT COUNT(*) FROM test.t"), 0), "2");
}

}  // namespace
}  // namespace sluice::connectors
