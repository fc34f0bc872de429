#pragma once

#include <mysql.h>

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/mysql/mysql_cdc_options.h"

namespace sluice::connectors {

/// One client connection to MySQL/MariaDB (libmariadb), in UTC (session time_zone '+00:00') and
/// utf8mb4. Lifecycle: Connect, any number of Query/Execute, destroy (closes). Used by one thread
/// at a time.
class MySqlConnection {
 public:
  using Row = std::vector<std::optional<std::string>>;  // nullopt is NULL

  MySqlConnection() = default;
  ~MySqlConnection();
  MySqlConnection(const MySqlConnection&) = delete;
  MySqlConnection& operator=(const MySqlConnection&) = delete;

  /// Connects to the server of `options`; a refused or unreachable server is kUnavailable.
  Status Connect(const MySqlCdcOptions& options);
  /// Runs one statement and returns its rows as text (none for statements without a result).
  Result<std::vector<Row>> Query(const std::string& sql);
  Status Execute(const std::string& sql);
  /// Returns `value` as a quoted SQL string literal.
  std::string Quote(const std::string& value);

  /// Returns the handle (for the replication API), or null before Connect; this object keeps
  /// owning it unless Release is called.
  MYSQL* handle() { return mysql_; }
  /// Hands the handle over to the caller, who closes it.
  MYSQL* Release();

 private:
  MYSQL* mysql_ = nullptr;
};

}  // namespace sluice::connectors
