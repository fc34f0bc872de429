#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "connectors/postgres/postgres_connection.h"
#include "connectors/postgres/postgres_row_encoder.h"
#include "connectors/postgres/postgres_sink_options.h"
#include "runtime/connector_registry.h"
#include "runtime/sink_writer.h"

namespace sluice::connectors {

class PostgresTableSchema;

/// Counters of one PostgreSQL sink (a snapshot; see PostgresSink::counters()).
struct PostgresSinkCounters {
  int64_t rows = 0;            // rows in committed epochs (inserted, upserted or deleted)
  int64_t bytes = 0;           // COPY text and statement bytes of committed epochs
  int64_t epochs = 0;          // epochs committed by this sink
  int64_t skipped_epochs = 0;  // replayed epochs found in sluice_commits and not written again
  int64_t retries = 0;         // redos of an epoch's transaction after a retryable error
  int64_t failures = 0;        // epochs given up (non-retryable, or retries exhausted)
};

/// The 'postgres' sink: one transaction per epoch, exactly once.
///
/// Append-only input is sent with `COPY t (cols) FROM STDIN` (text format); with a primary key
/// (declared in the pipeline's DDL, or on the PostgreSQL table when the input is a changelog),
/// +I/+U rows become `INSERT ... ON CONFLICT (key) DO UPDATE`, -D rows `DELETE`, -U rows are
/// ignored. The epoch's transaction also upserts (pipeline, sink) → epoch into `sluice_commits`
/// (created in the target table's schema); a transaction that finds an epoch at or above its own
/// there rolls back without writing: a replayed epoch is a no-op.
///
/// Lifecycle: Create (options only, no I/O); Open waits for the server with backoff, reads the
/// table's columns from the catalog and checks every mapping (an impossible one fails here,
/// naming the column, both types and the table), creates sluice_commits if missing; Write
/// encodes rows into the epoch's buffer and sends full batches inside the open transaction;
/// CommitEpoch sends the rest, records the epoch and commits. The epoch's encoded rows are kept
/// until it commits: on a lost connection the sink reconnects with backoff and redoes the whole
/// transaction (the source waits meanwhile); after 'sink.max-retries' redos CommitEpoch returns
/// kUnavailable and may be called again; non-retryable errors return PostgreSQL's message.
/// Called from the pipeline thread only; counters() may be read from any thread.
class PostgresSink : public runtime::SinkWriter {
 public:
  /// `key`: the primary key from the pipeline's DDL (empty: the table's, when upserting).
  PostgresSink(PostgresSinkOptions options, SchemaPtr input_schema,
               std::vector<std::string> field_names, std::vector<std::string> key, bool upsert,
               std::string epoch_scope, std::string sink_name);
  ~PostgresSink() override;

  /// Creates the sink for a table with 'connector' = 'postgres'.
  static Result<std::unique_ptr<runtime::SinkWriter>> Create(const runtime::SinkContext& context);

  Status Open() override;
  Status Write(EpochId epoch, int block, const Batch& batch) override;
  Status CommitEpoch(EpochId epoch) override;
  Status Close() override;
  std::string Describe() const override;

  PostgresSinkCounters counters() const;
  /// Returns the server version read at Open, e.g. "15.18".
  const std::string& server_version() const { return server_version_; }

 private:
  /// One unit sent inside the epoch's transaction: a COPY's text or an SQL statement.
  struct Op {
    bool copy = false;
    std::string text;
    int64_t rows = 0;
  };
  enum class Pending { kNone, kUpsert, kDelete };

  Status WaitForServer();
  Status Connect();
  Status BuildEncoder(const PostgresTableSchema& table);
  Status BuildStatements(const PostgresTableSchema& table);
  Status CreateCommitsTable();
  Status EncodeAppend(const Batch& batch);
  Status EncodeChanges(const Batch& batch);
  Status StartStatement(Pending kind);
  void CloseStatement();
  Status SendPending();
  Status BeginEpoch();
  Status FinishEpoch();
  Status RedoEpoch(Status error);
  void DropTransaction();
  void ResetEpoch();
  bool HasEpochWork() const { return !ops_.empty() || pending_kind_ != Pending::kNone; }

  PostgresSinkOptions options_;
  SchemaPtr input_schema_;
  std::vector<std::string> field_names_;
  std::vector<std::string> key_;
  bool upsert_;
  std::string epoch_scope_;
  std::string sink_name_;
  std::string target_;  // host:port/db, no credentials

  std::unique_ptr<PostgresConnection> connection_;
  std::optional<PostgresRowEncoder> encoder_;
  std::string server_version_;
  std::string table_name_;   // schema.table for messages
  std::string copy_sql_;     // COPY t (cols) FROM STDIN
  std::string insert_head_;  // INSERT INTO t (cols) VALUES
  std::string upsert_tail_;  // ON CONFLICT (key) DO UPDATE SET ...
  std::string delete_head_;  // DELETE FROM t WHERE (key) IN (
  std::string commits_table_;
  std::vector<size_t> key_columns_;  // indexes into the encoder's columns
  std::vector<size_t> all_columns_;

  EpochId epoch_{-1};
  std::vector<Op> ops_;
  size_t sent_ops_ = 0;
  int64_t unsent_rows_ = 0;
  std::chrono::steady_clock::time_point first_unsent_;
  bool in_transaction_ = false;
  bool replayed_ = false;         // sluice_commits already holds this epoch
  bool commit_sent_ = false;      // a COMMIT of this epoch was sent (its outcome may be unknown)
  bool defer_to_commit_ = false;  // a send failed: CommitEpoch redoes the epoch
  Pending pending_kind_ = Pending::kNone;
  std::string pending_;
  int64_t pending_rows_ = 0;
  std::set<std::string> pending_keys_;
  std::mt19937_64 jitter_{std::random_device{}()};

  std::atomic<int64_t> rows_{0}, bytes_{0}, epochs_{0}, skipped_epochs_{0}, retries_{0},
      failures_{0};
};

}  // namespace sluice::connectors
