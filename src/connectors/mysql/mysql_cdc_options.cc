#include "connectors/mysql/mysql_cdc_options.h"

#include <fmt/format.h>

#include <cstdio>
#include <functional>
#include <optional>

#include "connectors/connector_options.h"
#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {
namespace {

Result<std::string> Required(const ConnectorOptions& options, const std::string& key) {
  std::string value = options.GetString(key);
  if (value.empty()) {
    return Status::InvalidArgument(fmt::format("connector 'mysql-cdc' needs option '{}'", key));
  }
  return value;
}

// Parses "UTC", "GMT", "Z", "+hh:mm" or "-hh:mm" into milliseconds east of UTC.
Result<int64_t> ParseZoneOffset(const std::string& zone) {
  if (zone == "UTC" || zone == "GMT" || zone == "Z" || zone == "Etc/UTC") return int64_t{0};
  unsigned hours = 0;
  unsigned minutes = 0;
  char sign = 0;
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
      std::sscanf(zone.c_str(), "%c%2u:%2u", &sign, &hours, &minutes) == 3 && hours < 24 &&
      minutes < 60) {
    int64_t ms = (int64_t{hours} * 60 + minutes) * 60000;
    return sign == '-' ? -ms : ms;
  }
  return Status::InvalidArgument(fmt::format(
      "'server-time-zone' = '{}' is not supported: use 'UTC' or a fixed offset like '+08:00'",
      zone));
}

}  // namespace

Result<MySqlCdcOptions> MySqlCdcOptions::Parse(const std::map<std::string, std::string>& table) {
  ConnectorOptions options(table);
  MySqlCdcOptions out;
  ASSIGN_OR_RETURN(out.hostname, Required(options, "hostname"));
  ASSIGN_OR_RETURN(int64_t port, options.GetInt("port", 3306));
  out.port = static_cast<int>(port);
  ASSIGN_OR_RETURN(out.username, Required(options, "username"));
  out.password = options.GetString("password");
  ASSIGN_OR_RETURN(out.database_name, Required(options, "database-name"));
  ASSIGN_OR_RETURN(out.table_name, Required(options, "table-name"));
  std::string server_id = options.GetString("server-id");
  if (server_id.empty()) {
    // Stable per table, away from the small ids servers usually have.
    out.server_id =
        5400 + static_cast<uint32_t>(
                   std::hash<std::string>{}(out.database_name + "." + out.table_name) % 100000);
  } else {
    // Flink CDC accepts a range "5400-5408"; one reader uses the first id.
    std::optional<int64_t> parsed = ParseIntegerText(server_id.substr(0, server_id.find('-')));
    int64_t id = parsed.value_or(0);
    if (id <= 0 || id > 0xFFFFFFFFLL) {
      return Status::InvalidArgument(
          fmt::format("'server-id' = '{}' is not a positive 32-bit id", server_id));
    }
    out.server_id = static_cast<uint32_t>(id);
  }
  out.server_time_zone = options.GetString("server-time-zone", "UTC");
  ASSIGN_OR_RETURN(out.server_time_zone_offset_ms, ParseZoneOffset(out.server_time_zone));
  std::string mode = options.GetString("scan.startup.mode", "initial");
  if (mode == "initial") {
    out.startup = StartupMode::kInitial;
  } else if (mode == "latest-offset") {
    out.startup = StartupMode::kLatestOffset;
  } else {
    return Status::InvalidArgument(fmt::format(
        "'scan.startup.mode' = '{}' is not supported: use 'initial' or 'latest-offset'", mode));
  }
  ASSIGN_OR_RETURN(out.snapshot_chunk_size,
                   options.GetInt("scan.incremental.snapshot.chunk.size", 8096));
  if (out.snapshot_chunk_size <= 0) {
    return Status::InvalidArgument("'scan.incremental.snapshot.chunk.size' must be positive");
  }
  return out;
}

}  // namespace sluice::connectors
