#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

struct pg_conn;

namespace sluice::connectors {

/// One libpq connection in blocking mode. Errors carry PostgreSQL's message; those that a later
/// attempt on a new connection may not meet (connection lost, server starting or shutting down,
/// too many connections, serialization failure, deadlock) are kUnavailable, the rest keep their
/// class (a constraint violation or bad value is kDataError, anything else kInvalidArgument).
///
/// Lifecycle: Connect, any number of calls, destroy (closes the connection). After a
/// kUnavailable error the connection may be broken(): drop it and connect again. Used by one
/// thread at a time.
class PostgresConnection {
 public:
  using Row = std::vector<std::optional<std::string>>;  // nullopt is NULL

  /// Connects with libpq keyword/value `params` (expand_dbname = 1). Never puts the password in
  /// an error message.
  static Result<std::unique_ptr<PostgresConnection>> Connect(
      const std::vector<std::pair<std::string, std::string>>& params);
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  /// Runs `sql` with text parameters $1, $2, ... and returns its rows as text.
  Result<std::vector<Row>> Query(const std::string& sql,
                                 const std::vector<std::string>& params = {});
  /// Runs `sql` (any statement or statements without parameters), discarding rows.
  Status Execute(const std::string& sql);
  /// Runs `copy_sql` (a `COPY ... FROM STDIN`) and sends `data` as its input.
  Status CopyIn(const std::string& copy_sql, std::string_view data);

  /// Returns true when the connection is gone and must be replaced.
  bool broken() const;
  /// Returns the server version as "15.18".
  std::string server_version() const;

  /// Returns `name` as a double-quoted identifier.
  static std::string QuoteIdentifier(std::string_view name);
  /// Returns `value` as a string literal (standard_conforming_strings on).
  static std::string QuoteLiteral(std::string_view value);

 private:
  explicit PostgresConnection(pg_conn* conn) : conn_(conn) {}
  Status ErrorOf(const void* result, std::string_view what) const;

  pg_conn* conn_;
};

}  // namespace sluice::connectors
