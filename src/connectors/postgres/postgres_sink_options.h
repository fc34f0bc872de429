#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "connectors/sink_retry_options.h"

namespace sluice::connectors {

/// The WITH options of a 'postgres' sink table, validated (names as Flink's JDBC connector names
/// them where it has them; see connectors/README.md). Holds the password: never log it, use
/// DisplayTarget().
struct PostgresSinkOptions : SinkRetryOptions {
  std::string url;  // a libpq URI or key=value string; overrides hostname/port/database-name
  std::string hostname = "localhost";
  int64_t port = 5432;
  std::string database = "postgres";
  std::string table;  // "table" or "schema.table"
  std::string username;
  std::string password;
  int64_t batch_size = 10000;          // rows per COPY / statement sent inside the epoch
  int64_t connect_timeout_ms = 10000;  // one connection attempt

  /// Parses and checks `options`; unknown 'sink.*' options are rejected.
  static Result<PostgresSinkOptions> Parse(const std::map<std::string, std::string>& options);

  /// Returns libpq keyword/value pairs for PQconnectdbParams (with expand_dbname = 1): the URL
  /// first when there is one, then the explicit options, UTC as the session time zone.
  std::vector<std::pair<std::string, std::string>> ConnectionParameters() const;
  /// Returns "host:port/database" without user or password, for logs and Describe().
  std::string DisplayTarget() const;
};

}  // namespace sluice::connectors
