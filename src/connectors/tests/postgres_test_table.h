#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/postgres/postgres_sink.h"
#include "connectors/tests/clickhouse_test_table.h"  // BatchBuilder
#include "testing/postgres_server.h"
#include "testing/postgres_test_environment.h"

namespace sluice::connectors {

/// Test support for the PostgreSQL sink tests: the shared server, a schema of the test's own, and
/// query results as lines of tab-separated text ("\N" for NULL).
class PostgresTestTable {
 public:
  /// Starts (or reuses) the shared server and creates schema `schema` afresh.
  static testing::PostgresServer* Server(const std::string& schema) {
    auto server = testing::PostgresServer::Shared();
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (!server.ok()) return nullptr;
    auto created =
        (*server)->Query("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *server;
  }

  /// Returns `sql`'s rows, one line each, fields separated by tabs, NULL as \N.
  static std::vector<std::string> Lines(testing::PostgresServer* server, const std::string& sql) {
    auto rows = server->Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> lines;
    if (!rows.ok()) return lines;
    for (const auto& row : *rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) line += '\t';
        line += row[i] ? *row[i] : "\\N";
      }
      lines.push_back(line);
    }
    return lines;
  }

  static void Execute(testing::PostgresServer* server, const std::string& sql) {
    auto done = server->Query(sql);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
  }

  static PostgresSinkOptions Options(testing::PostgresServer* server, const std::string& table) {
    PostgresSinkOptions options;
    options.url = server->url();
    options.table = table;
    options.retry_backoff_ms = 100;
    options.retry_backoff_max_ms = 800;
    options.wait_for_server_ms = 5000;
    return options;
  }

  /// Returns a sink named `sink` of pipeline "test" writing `schema`'s fields under their names.
  static std::unique_ptr<PostgresSink> Sink(PostgresSinkOptions options, SchemaPtr schema,
                                            bool upsert = false, const std::string& sink = "sink") {
    std::vector<std::string> names;
    for (const auto& f : schema->fields()) names.push_back(f.name);
    return std::make_unique<PostgresSink>(std::move(options), std::move(schema), std::move(names),
                                          std::vector<std::string>{}, upsert, "test", sink);
  }
};

}  // namespace sluice::connectors
