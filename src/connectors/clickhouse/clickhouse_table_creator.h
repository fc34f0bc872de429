#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/clickhouse/clickhouse_http_client.h"
#include "types/schema.h"

namespace sluice::connectors {

/// Creates a sink's database and table when they are missing ('sink.create-table' = 'true'):
/// `CREATE DATABASE IF NOT EXISTS`, then a MergeTree table whose columns are the sink schema's,
/// mapped to ClickHouse types (see ColumnType); a SummingMergeTree for partial aggregates. ORDER
/// BY is 'sink.order-by', else the PRIMARY KEY, else the partial aggregates' keys, else tuple();
/// PARTITION BY is 'sink.partition-by' when set. Columns named in the sort or partition key are
/// never Nullable (ClickHouse refuses nullable keys). ROW, ARRAY and MAP become Tuple, Array and
/// Map (Map only on servers that have it, else String holding JSON); ClickHouse has no Nullable
/// Tuple, Array or Map, so a NULL ROW is written as a tuple of NULLs and a NULL ARRAY or MAP as an
/// empty one.
///
/// Lifecycle: construct, Ensure once. Not thread-safe; uses the caller's client.
class ClickHouseTableCreator {
 public:
  struct Definition {
    std::string database;
    std::string table;
    Schema schema;                         // the columns to create, in order
    std::vector<std::string> primary_key;  // PRIMARY KEY columns (may be empty)
    std::string order_by;                  // 'sink.order-by' (may be empty)
    std::string partition_by;              // 'sink.partition-by' (may be empty)
    // An upsert table: ENGINE = ReplacingMergeTree(_sluice_version) with the columns
    // _sluice_version UInt64 and _sluice_deleted UInt8 after the schema's (ClickHouseUpsertRows).
    bool upsert = false;
    // Partial aggregates ('sink.aggregation' = 'partial'): how each schema column merges ("" a
    // key, "sum", "min", "max"). ENGINE = SummingMergeTree() ordered by the keys (unless
    // order_by), min/max columns as AggregateFunction(min|max, T) states. Empty otherwise.
    std::vector<std::string> partial_merge;
    // SETTINGS non_replicated_deduplication_window = N when > 0 (servers that have it), so
    // replayed inserts with the same insert_deduplication_token are dropped.
    int64_t deduplication_window = 0;
  };

  explicit ClickHouseTableCreator(ClickHouseHttpClient* client) : client_(client) {}

  /// Creates the database and the table if missing and returns the statements it ran (none when
  /// the table exists).
  Result<std::vector<std::string>> Ensure(const Definition& definition);

  /// Returns the CREATE TABLE statement for `definition`; `datetime64` tells whether the server
  /// has DateTime64 (else timestamps become DateTime, whole seconds), `map` whether it has Map
  /// (else MAP columns become String, written as JSON objects).
  static Result<std::string> CreateTableStatement(const Definition& definition, bool datetime64,
                                                  bool map = false);
  /// Returns the ClickHouse type for a sluice type, without Nullable (nested elements carry
  /// theirs).
  static Result<std::string> ColumnType(const LogicalType& type, bool datetime64, bool map = false);

 private:
  // ORDER BY when 'sink.order-by' is not set: the PRIMARY KEY, else the partial keys.
  static std::string DefaultOrderBy(const Definition& definition);
  static std::string Engine(const Definition& definition);
  Result<bool> TableExists(const Definition& definition);
  bool HasDateTime64();
  bool HasMap();

  ClickHouseHttpClient* client_;
};

}  // namespace sluice::connectors
