#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"

namespace sluice::connectors {

/// The options of a 'mysql-cdc' table, named as Flink CDC names them. A value type.
struct MySqlCdcOptions {
  enum class StartupMode { kInitial, kLatestOffset };

  std::string hostname;
  int port = 3306;
  std::string username;
  std::string password;
  std::string database_name;             // a regular expression over database names
  std::string table_name;                // a regular expression over table names (or "db.table")
  uint32_t server_id = 0;                // 0: derived from the table options
  std::string server_time_zone = "UTC";  // "UTC" or a fixed offset "+hh:mm"
  int64_t server_time_zone_offset_ms = 0;
  StartupMode startup = StartupMode::kInitial;
  int64_t snapshot_chunk_size = 8096;  // 'scan.incremental.snapshot.chunk.size'

  /// Parses the table options; errors name the option.
  static Result<MySqlCdcOptions> Parse(const std::map<std::string, std::string>& options);
};

}  // namespace sluice::connectors
