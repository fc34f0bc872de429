#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/clickhouse/clickhouse_sink.h"
#include "testing/clickhouse_server.h"
#include "testing/clickhouse_test_environment.h"
#include "types/batch.h"

namespace sluice::connectors {

/// Test support for the ClickHouse sink tests: the shared server, a database of the test's own,
/// and batches built column by column.
class ClickHouseTestTable {
 public:
  /// Starts (or reuses) the shared server and creates database `database` afresh.
  static testing::ClickHouseServer* Server(const std::string& database) {
    auto server = testing::ClickHouseServer::Shared();
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (!server.ok()) return nullptr;
    EXPECT_TRUE((*server)->Query("DROP DATABASE IF EXISTS " + database).ok());
    EXPECT_TRUE((*server)->Query("CREATE DATABASE " + database).ok());
    return *server;
  }

  /// Returns `sql`'s output, failing the test on an error.
  static std::string Query(testing::ClickHouseServer* server, const std::string& sql) {
    auto out = server->Query(sql);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : "";
  }

  static ClickHouseSinkOptions Options(testing::ClickHouseServer* server,
                                       const std::string& database, const std::string& table) {
    ClickHouseSinkOptions options;
    options.url = server->url();
    options.database = database;
    options.table = table;
    options.retry_backoff_ms = 100;
    options.wait_for_server_ms = 5000;
    return options;
  }

  static std::unique_ptr<ClickHouseSink> Sink(ClickHouseSinkOptions options, SchemaPtr schema) {
    std::vector<std::string> names;
    for (const auto& f : schema->fields()) names.push_back(f.name);
    return std::make_unique<ClickHouseSink>(std::move(options), std::move(schema), std::move(names),
                                            "test", "sink");
  }
};

/// Builds a Batch column by column; every column must get the same number of rows.
class BatchBuilder {
 public:
  Column* Add(const std::string& name, LogicalType type) {
    schema_->Add({name, type});
    columns_.push_back(std::make_shared<Column>(type));
    return columns_.back().get();
  }
  SchemaPtr schema() const { return schema_; }
  std::shared_ptr<Batch> Build() const {
    auto batch = std::make_shared<Batch>();
    batch->schema = schema_;
    batch->columns.assign(columns_.begin(), columns_.end());
    batch->num_rows = columns_.empty() ? 0 : columns_[0]->size();
    return batch;
  }

 private:
  std::shared_ptr<Schema> schema_ = std::make_shared<Schema>();
  std::vector<std::shared_ptr<Column>> columns_;
};

}  // namespace sluice::connectors
