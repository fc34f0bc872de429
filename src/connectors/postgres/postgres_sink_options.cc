#include "connectors/postgres/postgres_sink_options.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <set>

#include "connectors/connector_options.h"

namespace sluice::connectors {

Result<PostgresSinkOptions> PostgresSinkOptions::Parse(
    const std::map<std::string, std::string>& map) {
  ConnectorOptions options(map);
  std::set<std::string> known = SinkRetryOptions::Names();
  known.insert({"batch-size", "connect-timeout"});
  RETURN_IF_ERROR(options.CheckKnown("sink.", known, "connector 'postgres'"));
  PostgresSinkOptions o;
  o.url = options.GetString("url");
  o.hostname = options.GetString("hostname", o.hostname);
  ASSIGN_OR_RETURN(o.port, options.GetInt("port", o.port));
  o.database = options.GetString("database-name", o.database);
  o.table = options.GetString("table-name");
  o.username = options.GetString("username");
  o.password = options.GetString("password");
  if (o.table.empty()) {
    return Status::InvalidArgument("connector 'postgres' needs option 'table-name'");
  }
  if (!o.url.empty()) {
    char* error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(o.url.c_str(), &error);
    if (parsed == nullptr) {
      // libpq's message may quote the URL; say only what is wrong with it.
      std::string why = error != nullptr ? error : "out of memory";
      PQfreemem(error);
      while (!why.empty() && why.back() == '\n') why.pop_back();
      return Status::InvalidArgument(
          fmt::format("option 'url' of connector 'postgres' is not a libpq connection URI or "
                      "string: {}",
                      why));
    }
    PQconninfoFree(parsed);
  }
  ASSIGN_OR_RETURN(o.batch_size, options.GetInt("sink.batch-size", o.batch_size));
  RETURN_IF_ERROR(o.ParseRetryOptions(options, "connector 'postgres'"));
  ASSIGN_OR_RETURN(o.connect_timeout_ms,
                   options.GetDurationMillis("sink.connect-timeout", o.connect_timeout_ms));
  if (o.batch_size < 1 || o.connect_timeout_ms < 1000 || o.port < 1 || o.port > 65535) {
    return Status::InvalidArgument(
        "connector 'postgres': sink.batch-size must be positive, sink.connect-timeout at least "
        "1 s, port in 1..65535");
  }
  return o;
}

std::vector<std::pair<std::string, std::string>> PostgresSinkOptions::ConnectionParameters() const {
  std::vector<std::pair<std::string, std::string>> params;
  if (!url.empty()) {
    params.emplace_back("dbname", url);
  } else {
    params.emplace_back("host", hostname);
    params.emplace_back("port", std::to_string(port));
    params.emplace_back("dbname", database);
  }
  if (!username.empty()) params.emplace_back("user", username);
  if (!password.empty()) params.emplace_back("password", password);
  params.emplace_back("connect_timeout", std::to_string((connect_timeout_ms + 999) / 1000));
  params.emplace_back("application_name", "sluice");
  params.emplace_back("options", "-c TimeZone=UTC -c DateStyle=ISO");
  params.emplace_back("keepalives_idle", "10");
  return params;
}

std::string PostgresSinkOptions::DisplayTarget() const {
  if (url.empty()) return fmt::format("{}:{}/{}", hostname, port, database);
  std::string host, port_text, db;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), nullptr);
  if (parsed == nullptr) return "(bad url)";
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string_view key = o->keyword;
    if (key == "host" || key == "hostaddr") host = o->val;
    if (key == "port") port_text = o->val;
    if (key == "dbname") db = o->val;
  }
  PQconninfoFree(parsed);
  return fmt::format("{}:{}/{}", host.empty() ? "localhost" : host,
                     port_text.empty() ? "5432" : port_text, db);
}

}  // namespace sluice::connectors
