// `sluice run` with mysql-cdc sources synchronises MariaDB tables users/products/orders/order_items
// into ClickHouse upsert tables (ReplacingMergeTree created by the sink): rows that existed before
// the start arrive through the snapshot, a random workload of inserts, updates and deletes through
// the binlog; sluice is killed with SIGKILL three times mid-workload and restarted from its state
// directory.
// At the end `SELECT ... FINAL WHERE _sluice_deleted = 0` equals the MariaDB table row for row.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

#include "cli/tests/subprocess.h"
#include "testing/clickhouse_server.h"
#include "testing/mariadb_server.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::ClickHouseServer;
using ::sluice::testing::MariaDbServer;
using ::sluice::testing::TempDir;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

const char* const kPipeline = R"sql(
SET 'pipeline.name' = 'mysql-sync';
SET 'state.dir' = '${STATE_DIR}';
SET 'execution.epoch-interval' = '200 ms';
SET 'execution.checkpoint-interval' = '1 s';

CREATE TABLE users_src (id BIGINT, name STRING, email STRING, created_at TIMESTAMP(3))
WITH ('connector' = 'mysql-cdc', 'hostname' = '127.0.0.1', 'port' = '${MYSQL_PORT}',
      'username' = 'root', 'password' = '', 'database-name' = 'shop', 'table-name' = 'users',
      'server-id' = '5401');
CREATE TABLE products_src (id BIGINT, name STRING, price DECIMAL(10, 2), stock INT)
WITH ('connector' = 'mysql-cdc', 'hostname' = '127.0.0.1', 'port' = '${MYSQL_PORT}',
      'username' = 'root', 'database-name' = 'shop', 'table-name' = 'products',
      'server-id' = '5402');
CREATE TABLE orders_src (id BIGINT, user_id BIGINT, product_id BIGINT, quantity INT,
                         status STRING, amount DECIMAL(12, 2), updated_at TIMESTAMP(3))
WITH ('connector' = 'mysql-cdc', 'hostname' = '127.0.0.1', 'port' = '${MYSQL_PORT}',
      'username' = 'root', 'database-name' = 'shop', 'table-name' = 'orders',
      'server-id' = '5403');
CREATE TABLE order_items_src (id BIGINT, order_id BIGINT, product_id BIGINT, quantity INT,
                              unit_price DECIMAL(10, 2))
WITH ('connector' = 'mysql-cdc', 'hostname' = '127.0.0.1', 'port' = '${MYSQL_PORT}',
      'username' = 'root', 'database-name' = 'shop', 'table-name' = 'order_items',
      'server-id' = '5404');

CREATE TABLE users (id BIGINT NOT NULL, name STRING, email STRING, created_at TIMESTAMP(3),
                    PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'shop_sync',
      'table-name' = 'users', 'sink.create-table' = 'true');
CREATE TABLE products (id BIGINT NOT NULL, name STRING, price DECIMAL(10, 2), stock INT,
                       PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'shop_sync',
      'table-name' = 'products', 'sink.create-table' = 'true');
CREATE TABLE orders (id BIGINT NOT NULL, user_id BIGINT, product_id BIGINT, quantity INT,
                     status STRING, amount DECIMAL(12, 2), updated_at TIMESTAMP(3),
                     PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'shop_sync',
      'table-name' = 'orders', 'sink.create-table' = 'true');
CREATE TABLE order_items (id BIGINT NOT NULL, order_id BIGINT, product_id BIGINT, quantity INT,
                          unit_price DECIMAL(10, 2), PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'shop_sync',
      'table-name' = 'order_items', 'sink.create-table' = 'true');

INSERT INTO users SELECT * FROM users_src;
INSERT INTO products SELECT * FROM products_src;
INSERT INTO orders SELECT * FROM orders_src;
INSERT INTO order_items SELECT * FROM order_items_src;
)sql";

// What each side returns for a table, as one text line per row ordered by id: DECIMALs as
// cents, times as seconds since the epoch, so both servers spell values alike.
struct Comparison {
  const char* table;
  const char* mariadb;
  const char* clickhouse;
};
const Comparison kTables[] = {
    {"users", "SELECT id, name, email, UNIX_TIMESTAMP(created_at) FROM shop.users ORDER BY id",
     "SELECT id, name, email, toUnixTimestamp(created_at) FROM shop_sync.users FINAL "
     "WHERE _sluice_deleted = 0 ORDER BY id FORMAT TabSeparated"},
    {"products",
     "SELECT id, name, CAST(price * 100 AS SIGNED), stock FROM shop.products "
     "ORDER BY id",
     "SELECT id, name, toInt64(price * 100), stock FROM shop_sync.products FINAL "
     "WHERE _sluice_deleted = 0 ORDER BY id FORMAT TabSeparated"},
    {"orders",
     "SELECT id, user_id, product_id, quantity, status, CAST(amount * 100 AS SIGNED), "
     "UNIX_TIMESTAMP(updated_at) FROM shop.orders ORDER BY id",
     "SELECT id, user_id, product_id, quantity, status, toInt64(amount * 100), "
     "toUnixTimestamp(updated_at) FROM shop_sync.orders FINAL WHERE _sluice_deleted = 0 "
     "ORDER BY id FORMAT TabSeparated"},
    {"order_items",
     "SELECT id, order_id, product_id, quantity, CAST(unit_price * 100 AS SIGNED) "
     "FROM shop.order_items ORDER BY id",
     "SELECT id, order_id, product_id, quantity, toInt64(unit_price * 100) "
     "FROM shop_sync.order_items FINAL WHERE _sluice_deleted = 0 ORDER BY id FORMAT TabSeparated"},
};

std::string MariaDbText(const MariaDbServer& server, const std::string& sql) {
  auto rows = server.Query(sql);
  if (!rows.ok()) return "error: " + rows.status().ToString();
  std::string out;
  for (const auto& row : *rows) {
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "\t" : "") + row[i].value_or("\\N");
    out += "\n";
  }
  return out;
}

class MySqlCdcSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = mariadb_.Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    auto clickhouse = ClickHouseServer::Shared();
    ASSERT_TRUE(clickhouse.ok()) << clickhouse.status().ToString();
    clickhouse_ = *clickhouse;
    ASSERT_TRUE(clickhouse_->Query("DROP DATABASE IF EXISTS shop_sync").ok());
    Sql("CREATE DATABASE shop");
    Sql("CREATE TABLE shop.users (id INT PRIMARY KEY, name VARCHAR(40), email VARCHAR(80), "
        "created_at DATETIME)");
    Sql("CREATE TABLE shop.products (id INT PRIMARY KEY, name VARCHAR(40), "
        "price DECIMAL(10, 2), stock INT)");
    Sql("CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, user_id INT, product_id INT, "
        "quantity INT, status ENUM('new', 'paid', 'shipped'), amount DECIMAL(12, 2), "
        "updated_at TIMESTAMP NULL)");
    Sql("CREATE TABLE shop.order_items (id INT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT, "
        "product_id INT, quantity SMALLINT, unit_price DECIMAL(10, 2))");
  }

  void Sql(const std::string& sql) {
    auto done = mariadb_.Query(sql);
    ASSERT_TRUE(done.ok()) << sql << ": " << done.status().ToString();
  }

  // One random insert, update or delete on a random table.
  void RandomChange(std::mt19937* rng) {
    const int table = static_cast<int>((*rng)() % 4);
    const int id = static_cast<int>((*rng)() % 400) + 1;
    const int op = static_cast<int>((*rng)() % 3);
    const int v = static_cast<int>((*rng)() % 100000);
    const std::string ts = std::to_string(1700000000 + v);
    std::string sql;
    if (table == 0) {
      sql = op == 0 ? "REPLACE INTO shop.users VALUES (" + std::to_string(id) + ", 'u" +
                          std::to_string(v) + "', 'u" + std::to_string(v) +
                          "@example.com', FROM_UNIXTIME(" + ts + "))"
            : op == 1 ? "UPDATE shop.users SET name = 'n" + std::to_string(v) +
                            "' WHERE id = " + std::to_string(id)
                      : "DELETE FROM shop.users WHERE id = " + std::to_string(id);
    } else if (table == 1) {
      sql = op == 0 ? "INSERT IGNORE INTO shop.products VALUES (" + std::to_string(id) + ", 'p" +
                          std::to_string(v) + "', " + std::to_string(v) + " / 100, " +
                          std::to_string(v % 50) + ")"
            : op == 1 ? "UPDATE shop.products SET stock = stock - 1, price = price + 0.01 "
                        "WHERE id <= " +
                            std::to_string(id % 40)
                      : "DELETE FROM shop.products WHERE id = " + std::to_string(id);
    } else if (table == 3) {
      // Items of an order: new ones take the next AUTO_INCREMENT id (so ids are not reused);
      // updates change a quantity, deletes remove an order's items.
      sql = op == 0 ? "INSERT INTO shop.order_items (order_id, product_id, quantity, unit_price) "
                      "VALUES (" +
                          std::to_string(id) + ", " + std::to_string(v % 40) + ", " +
                          std::to_string(v % 5 + 1) + ", " + std::to_string(v) + " / 100)"
            : op == 1 ? "UPDATE shop.order_items SET quantity = quantity + 1 WHERE order_id = " +
                            std::to_string(id)
                      : "DELETE FROM shop.order_items WHERE order_id = " + std::to_string(id);
    } else {
      sql = op == 0 ? "INSERT INTO shop.orders VALUES (" + std::to_string(id) + ", " +
                          std::to_string(v % 400) + ", " + std::to_string(v % 40) + ", " +
                          std::to_string(v % 9 + 1) + ", 'new', " + std::to_string(v) +
                          " / 10, FROM_UNIXTIME(" + ts +
                          ")) ON DUPLICATE KEY UPDATE "
                          "status = 'paid', updated_at = FROM_UNIXTIME(" +
                          ts + ")"
            : op == 1 ? "UPDATE shop.orders SET status = 'shipped', amount = amount + 1 "
                        "WHERE id = " +
                            std::to_string(id)
                      : "DELETE FROM shop.orders WHERE id = " + std::to_string(id);
    }
    Sql(sql);
  }

  std::unique_ptr<Subprocess> StartSluice() {
    auto run = Subprocess::Start({kSluice, "run", sql_path_},
                                 {{"MYSQL_PORT", std::to_string(mariadb_.port())},
                                  {"CLICKHOUSE_URL", clickhouse_->url()},
                                  {"STATE_DIR", dir_.path() + "/state"}});
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? std::move(*run) : nullptr;
  }

  // Returns whether ClickHouse's table `t` holds at least one row.
  bool HasRows(const std::string& table) {
    auto count = clickhouse_->Query("SELECT count() FROM shop_sync." + table);
    return count.ok() && !count->empty() && *count != "0\n";
  }

  // Waits until every table is equal on both sides; returns the differences otherwise.
  std::string WaitUntilEqual(seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string diff;
    while (true) {
      diff.clear();
      for (const auto& t : kTables) {
        std::string expected = MariaDbText(mariadb_, t.mariadb);
        auto actual = clickhouse_->Query(t.clickhouse);
        std::string got = actual.ok() ? *actual : actual.status().ToString();
        if (got != expected) {
          diff += std::string(t.table) + " differs; MariaDB:\n" + expected.substr(0, 300) +
                  "ClickHouse:\n" + got.substr(0, 300);
        }
      }
      if (diff.empty() || std::chrono::steady_clock::now() > deadline) return diff;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  // Inserts orders one at a time and waits for each in ClickHouse: commit-to-visible latency.
  void MeasureLatency() {
    std::vector<double> ms;
    for (int i = 0; i < 10; ++i) {
      const std::string id = std::to_string(100000 + i);
      Sql("INSERT INTO shop.orders VALUES (" + id + ", 1, 1, 1, 'new', 1, NOW())");
      auto committed = std::chrono::steady_clock::now();
      auto deadline = committed + seconds(30);
      while (std::chrono::steady_clock::now() < deadline) {
        auto n = clickhouse_->Query("SELECT count() FROM shop_sync.orders WHERE id = " + id);
        if (n.ok() && *n == "1\n") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - committed)
              .count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "commit in MariaDB -> row in ClickHouse: median %.0f ms, max %.0f ms (epoch 200 ms)\n",
        ms[ms.size() / 2], ms.back());
    EXPECT_LT(ms.back(), 10000) << "a row took longer than 10 s to arrive";
  }

  MariaDbServer mariadb_;
  ClickHouseServer* clickhouse_ = nullptr;
  TempDir dir_;
  std::string sql_path_;
};

TEST_F(MySqlCdcSyncTest, SnapshotAndRandomWorkloadSurviveKillAndRestart) {
  std::mt19937 rng(20240617);
  for (int i = 0; i < 300; ++i) RandomChange(&rng);  // rows before the start: the snapshot
  sql_path_ = dir_.Write("pipeline.sql", kPipeline);
  std::unique_ptr<Subprocess> run = StartSluice();
  ASSERT_NE(run, nullptr);
  // Changes while sluice runs, with a SIGKILL once it has written something.
  auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (!HasRows("orders") && std::chrono::steady_clock::now() < deadline) {
    RandomChange(&rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(HasRows("orders")) << run->Wait(seconds(5)).stderr_text;
  // Three SIGKILLs after a random number of changes each; more changes while sluice is down.
  std::string restarted_logs;
  for (int kill = 0; kill < 3; ++kill) {
    const int changes = 50 + static_cast<int>(rng() % 200);
    for (int i = 0; i < changes; ++i) RandomChange(&rng);
    run->Signal(SIGKILL);
    SubprocessOutput killed = run->Wait(seconds(20));
    EXPECT_EQ(killed.term_signal, SIGKILL) << killed.stderr_text;
    if (kill > 0) restarted_logs += killed.stderr_text;
    for (int i = 0; i < 100; ++i) RandomChange(&rng);
    run = StartSluice();
    ASSERT_NE(run, nullptr);
  }
  for (int i = 0; i < 200; ++i) RandomChange(&rng);

  std::string diff = WaitUntilEqual(seconds(60));
  if (diff.empty()) MeasureLatency();
  run->Signal(SIGTERM);
  SubprocessOutput out = run->Wait(seconds(30));
  EXPECT_EQ(diff, "") << out.stderr_text.substr(0, 6000);
  // The restarted runs continued from the state directory instead of taking a new snapshot.
  restarted_logs += out.stderr_text;
  EXPECT_EQ(restarted_logs.find("snapshot of"), std::string::npos) << restarted_logs;
  for (const auto& t : kTables) {
    EXPECT_NE(MariaDbText(mariadb_, t.mariadb), "") << t.table << " is empty in MariaDB";
  }
}

}  // namespace
}  // namespace sluice::cli::testing
