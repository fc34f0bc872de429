#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/sink_retry_options.h"
#include "types/schema.h"

namespace sluice::connectors {

/// The WITH options of a 'clickhouse' sink table, validated (names as Flink's ClickHouse
/// connectors name them; see connectors/README.md).
struct ClickHouseSinkOptions : SinkRetryOptions {
  std::string url = "http://localhost:8123";
  std::string database = "default";
  std::string table;
  std::string username;
  std::string password;
  int64_t batch_size = 100000;         // rows per INSERT
  int64_t batch_bytes = 32 << 20;      // encoded bytes per INSERT
  int64_t request_timeout_ms = 60000;  // one HTTP request
  bool create_table = false;  // 'sink.create-table': create database and table when missing
  std::string order_by;       // 'sink.order-by': ORDER BY of a created table
  std::string partition_by;   // 'sink.partition-by': PARTITION BY of a created table
  // 'sink.delivery-guarantee': the least guarantee the sink must be able to give at Open
  // (exactly-once > effectively-once > at-least-once); Open fails when the table cannot.
  std::string delivery_guarantee = "at-least-once";
  // 'sink.aggregation' = 'partial': rows are partial aggregates that a SummingMergeTree merges.
  bool partial = false;
  // How each input column merges ("" key, "sum", "min", "max"), from the plan when `partial`.
  std::vector<std::string> partial_merge;
  // Each batch is one split's output of an epoch (runtime::SinkContext::split_blocks): one
  // INSERT per batch, identified by its bytes under the pipeline's name, not the run's.
  bool split_blocks = false;
  std::vector<std::string> primary_key;  // the sink table's PRIMARY KEY (not a WITH option)
  Schema declared_schema;  // the sink table's declared columns, when they match the input
  // The input is a changelog: rows go to a ReplacingMergeTree upsert table keyed by the PRIMARY
  // KEY (see ClickHouseUpsertRows). Set from the plan, not a WITH option.
  bool upsert = false;

  /// Parses and checks `options`; unknown 'sink.*' options are rejected.
  static Result<ClickHouseSinkOptions> Parse(const std::map<std::string, std::string>& options);
};

}  // namespace sluice::connectors
