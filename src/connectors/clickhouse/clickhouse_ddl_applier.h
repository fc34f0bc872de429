#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/clickhouse/clickhouse_http_client.h"

namespace sluice::connectors {

/// Runs a ClickHouse DDL script statement by statement, idempotently: the database of the first
/// `db.table` it names is created first (`CREATE DATABASE IF NOT EXISTS`), a CREATE of a database
/// or table that exists is skipped without running it (and an "already exists" answer counts as
/// skipped too), other statements run as they are. Used by `sluice clickhouse apply`.
///
/// Lifecycle: construct with a client, WaitForServer, Apply. Not thread-safe.
class ClickHouseDdlApplier {
 public:
  /// One statement of a script: its text (comments kept) and its first line in the file.
  struct Statement {
    std::string text;
    int line = 1;
  };
  enum class Outcome { kCreated, kSkipped, kDone, kFailed };
  struct Result {
    Statement statement;
    Outcome outcome = Outcome::kDone;
    std::string message;  // what was created or skipped, or ClickHouse's error
    Status status;        // the error of a kFailed statement
  };
  /// The object a CREATE statement makes: `database` alone for CREATE DATABASE.
  struct CreatedObject {
    bool is_database = false;
    std::string database;  // empty when the statement names no database
    std::string name;
  };

  explicit ClickHouseDdlApplier(ClickHouseHttpClient* client) : client_(client) {}

  /// Splits `script` on `;` outside '...', "...", `...`, -- line comments and /* */ comments;
  /// removes the comments and drops statements that hold only blanks. `line` is where the
  /// statement's first code is.
  static std::vector<Statement> Split(const std::string& script);
  /// Returns what a CREATE DATABASE / TABLE / [MATERIALIZED] VIEW / DICTIONARY statement
  /// creates, or nullopt for other statements.
  static std::optional<CreatedObject> ParseCreate(const std::string& statement);

  /// Waits up to `timeout_ms` for `SELECT 1` to answer, retrying retryable errors with backoff.
  Status WaitForServer(int64_t timeout_ms);
  /// Runs `statements` in order and reports each through `report` as it finishes. Stops after a
  /// retryable failure (the server went away); goes on after other failures.
  std::vector<Result> Apply(const std::vector<Statement>& statements,
                            const std::function<void(const Result&)>& report);

  /// Drops every database `script` creates (CREATE DATABASE), then applies the script; returns
  /// the first failure with `label:line` as context (`sluice demo`, `sluice bench e2e`: a run
  /// that starts from empty tables).
  Status ApplyFresh(const std::string& script, const std::string& label);

 private:
  sluice::Result<bool> Exists(const CreatedObject& object);

  ClickHouseHttpClient* client_;
};

}  // namespace sluice::connectors
