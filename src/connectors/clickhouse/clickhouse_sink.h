#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "connectors/clickhouse/clickhouse_http_client.h"
#include "connectors/clickhouse/clickhouse_insert_queue.h"
#include "connectors/clickhouse/clickhouse_nested_columns.h"
#include "connectors/clickhouse/clickhouse_sink_options.h"
#include "connectors/clickhouse/clickhouse_table_schema.h"
#include "connectors/clickhouse/clickhouse_upsert_rows.h"
#include "connectors/clickhouse/row_binary_encoder.h"
#include "runtime/connector_registry.h"
#include "runtime/sink_writer.h"

namespace sluice::connectors {

/// Counters of one ClickHouse sink (a snapshot; see ClickHouseSink::counters()).
struct ClickHouseSinkCounters {
  int64_t rows = 0;                // rows ClickHouse acknowledged
  int64_t bytes = 0;               // RowBinary bytes ClickHouse acknowledged
  int64_t inserts = 0;             // successful INSERT requests
  int64_t retries = 0;             // failed attempts that were retried
  int64_t failures = 0;            // INSERTs given up (non-retryable, or retries exhausted)
  int64_t last_insert_micros = 0;  // latency of the last successful INSERT
};

/// The 'clickhouse' sink: writes rows over the HTTP interface as
/// `INSERT INTO db.t (cols) FORMAT RowBinary`, encoded for the table's real column types.
///
/// Lifecycle: Create (options only, no I/O); Open waits for the server, reads its version and
/// features, DESCRIBE's the table and checks every column mapping (an impossible one fails here,
/// naming the column, both types and the table); Write encodes and buffers, flushing a full
/// batch; FlushEpoch sends the rest without waiting (the pipeline goes on with the next epoch);
/// CommitEpoch waits for it, so nothing of the epoch is acknowledged before ClickHouse has; Close
/// flushes and waits. A full batch is sent by a task while the pipeline
/// thread encodes the next one; the next flush waits for it (one INSERT in flight, two buffers
/// at most), and its error is returned by the Write, CommitEpoch or Close that waits. A failed
/// INSERT is retried with exponential backoff and jitter while the pipeline thread waits at the
/// next flush (the source is paused, memory stays bounded); after
/// 'sink.max-retries' it returns kUnavailable; a non-retryable error returns ClickHouse's
/// message, or, with a dead-letter table, sends the block's rows there and goes on. Called from the
/// pipeline thread only; counters() may be read from any thread. Destroying the sink waits for the
/// INSERT in flight.
class ClickHouseSink : public runtime::SinkWriter {
 public:
  ClickHouseSink(ClickHouseSinkOptions options, SchemaPtr input_schema,
                 std::vector<std::string> field_names, std::string epoch_scope,
                 std::string sink_name);

  /// Creates the sink for a table with 'connector' = 'clickhouse'.
  static Result<std::unique_ptr<runtime::SinkWriter>> Create(const runtime::SinkContext& context);

  ~ClickHouseSink() override;

  Status Open() override;
  Status Write(EpochId epoch, int block, const Batch& batch) override;
  Status FlushEpoch(EpochId epoch) override;
  bool Acknowledged() const override;
  Status CommitEpoch(EpochId epoch) override;
  Status Close() override;
  std::string Describe() const override;

  ClickHouseSinkCounters counters() const;
  std::optional<runtime::SinkDeliveryCounters> delivery_counters() const override;
  void set_request_latency(Histogram* histogram) override { request_latency_ = histogram; }
  /// Returns the server version read at Open, e.g. "18.16.1".
  const std::string& server_version() const { return server_version_; }
  /// Returns the delivery guarantee against this server and table, decided at Open.
  const std::string& guarantee() const { return guarantee_; }

 private:
  // INSERTs queued or in flight at most: an epoch's blocks go out while the pipeline goes on;
  // with the one being encoded, at most this many + 1 blocks are in memory.
  static constexpr size_t kMaxQueuedInserts = 3;

  Status WaitForServer();
  Status CreateTableIfMissing();
  Status DetectFeatures();
  /// Decides the delivery guarantee from the table's engine and CREATE statement.
  void ClassifyGuarantee(const std::string& engine, const std::string& create);
  Status BuildEncoder();
  // Checks that table column `column` can hold input column `index`'s partial aggregate.
  Status CheckPartialColumn(size_t index, const ClickHouseTableSchema::Column& column) const;
  // Adds the upsert table's version and deleted columns to the encoder (changelog input) and
  // starts versions above the table's largest.
  Status AddUpsertColumns(const ClickHouseTableSchema& table,
                          std::vector<RowBinaryEncoder::ColumnSpec>* specs, std::string* columns);
  /// Reserves room for a whole block in `buffer_`, which holds the block's first batch.
  void ReserveBlock(size_t first_rows);
  /// Queues the buffered rows as one INSERT.
  Status Flush(EpochId epoch);
  /// Waits until every queued INSERT is acknowledged; returns the first failure.
  Status WaitForInFlight();
  /// Sends `block` and counts it (on the insert queue's thread).
  Status InsertWithRetries(const ClickHouseInsertBlock& block);
  Status SendWithRetries(const ClickHouseInsertBlock& block);
  std::string QualifiedTable() const;

  ClickHouseSinkOptions options_;
  SchemaPtr input_schema_;
  std::vector<std::string> field_names_;
  std::string epoch_scope_;
  std::string sink_name_;

  std::unique_ptr<ClickHouseHttpClient> client_;
  std::optional<RowBinaryEncoder> encoder_;
  ClickHouseNestedColumns nested_;              // ARRAY<ROW> columns written into Nested columns
  std::optional<ClickHouseUpsertRows> upsert_;  // changelog input only
  std::string insert_query_;
  std::string server_version_;
  std::string guarantee_ = "at-least-once";
  std::string guarantee_level_ = "at-least-once";  // exactly-, effectively- or at-least-once
  bool has_dedup_token_ = false;
  bool deterministic_blocks_ = false;  // flush boundaries must not depend on wall-clock time

  std::string buffer_;  // rows being encoded (pipeline thread)
  // With a dead-letter table: rows refused non-retryably (by the encoder or the server) are
  // reported there instead of failing; the batches of the buffer (a queued INSERT has its own).
  runtime::BadRecordReporter* dead_letters_ = nullptr;
  std::vector<Batch> buffered_batches_;
  int64_t buffered_rows_ = 0;
  int flushes_in_epoch_ = 0;
  EpochId current_epoch_{-1};
  std::chrono::steady_clock::time_point first_buffered_;
  std::mt19937_64 jitter_{std::random_device{}()};

  Histogram* request_latency_ = nullptr;    // observed on the insert queue's thread
  std::atomic<int64_t> rows_in_flight_{0};  // buffered plus being sent
  std::atomic<int64_t> rows_{0}, bytes_{0}, inserts_{0}, retries_{0}, failures_{0},
      last_insert_micros_{0};
  // INSERTs sent in order on their own thread. Last, so it stops before the members its sending
  // reads are destroyed.
  std::unique_ptr<ClickHouseInsertQueue> insert_queue_;
};

}  // namespace sluice::connectors
