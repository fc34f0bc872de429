#include "connectors/postgres/postgres_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

namespace sluice::connectors {
namespace {

std::string TrimMessage(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Returns true for SQLSTATEs another attempt may not meet: connection exceptions (08),
// insufficient resources (53), operator intervention (57P01..57P05), serialization failure and
// deadlock (40001, 40P01).
bool RetryableSqlState(std::string_view state) {
  if (state.size() != 5) return false;
  std::string_view cls = state.substr(0, 2);
  return cls == "08" || cls == "53" || state.substr(0, 3) == "57P" || state == "40001" ||
         state == "40P01";
}

using ResultPtr = std::unique_ptr<PGresult, void (*)(PGresult*)>;

}  // namespace

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Connect(
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 1);
  if (conn == nullptr) return Status::Internal("PQconnectdbParams: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = TrimMessage(PQerrorMessage(conn));
    PQfinish(conn);
    // Authentication failures are the user's to fix; everything else (refused, timed out, the
    // server starting up) may pass.
    bool auth = message.find("password authentication failed") != std::string::npos ||
                message.find("no password supplied") != std::string::npos ||
                message.find("does not exist") != std::string::npos;
    if (auth) return Status::InvalidArgument("cannot connect to PostgreSQL: " + message);
    return Status::Unavailable("cannot connect to PostgreSQL: " + message);
  }
  return std::unique_ptr<PostgresConnection>(new PostgresConnection(conn));
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

bool PostgresConnection::broken() const { return PQstatus(conn_) != CONNECTION_OK; }

std::string PostgresConnection::server_version() const {
  int v = PQserverVersion(conn_);
  return fmt::format("{}.{}", v / 10000, v % 10000);
}

Status PostgresConnection::ErrorOf(const void* result_ptr, std::string_view what) const {
  const auto* result = static_cast<const PGresult*>(result_ptr);
  std::string message =
      TrimMessage(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (message.empty()) message = TrimMessage(PQerrorMessage(conn_));
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view sqlstate = state != nullptr ? state : "";
  std::string text = fmt::format("{} failed: {}", what, message);
  if (broken() || sqlstate.empty() || RetryableSqlState(sqlstate)) {
    return Status::Unavailable(std::move(text));
  }
  // Class 22 (data exception) and 23 (integrity constraint violation) are about the rows.
  if (sqlstate.substr(0, 2) == "22" || sqlstate.substr(0, 2) == "23") {
    return Status::DataError(std::move(text));
  }
  return Status::InvalidArgument(std::move(text));
}

Result<std::vector<PostgresConnection::Row>> PostgresConnection::Query(
    const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  ResultPtr result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0),
                   PQclear);
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return ErrorOf(result.get(), "query");
  }
  std::vector<Row> rows;
  int n = PQntuples(result.get()), m = PQnfields(result.get());
  rows.reserve(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r) {
    Row row;
    for (int c = 0; c < m; ++c) {
      if (PQgetisnull(result.get(), r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                     static_cast<size_t>(PQgetlength(result.get(), r, c))));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Status PostgresConnection::Execute(const std::string& sql) {
  ResultPtr result(PQexec(conn_, sql.c_str()), PQclear);
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return ErrorOf(result.get(), "statement");
  }
  return Status::Ok();
}

Status PostgresConnection::CopyIn(const std::string& copy_sql, std::string_view data) {
  ResultPtr start(PQexec(conn_, copy_sql.c_str()), PQclear);
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) return ErrorOf(start.get(), "COPY");
  constexpr size_t kPiece = 1 << 20;
  for (size_t at = 0; at < data.size(); at += kPiece) {
    size_t n = std::min(kPiece, data.size() - at);
    if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) break;
  }
  PQputCopyEnd(conn_, nullptr);
  // The outcome of the COPY, then the end of the command's results.
  ResultPtr end(PQgetResult(conn_), PQclear);
  Status status = end && PQresultStatus(end.get()) == PGRES_COMMAND_OK ? Status::Ok()
                                                                       : ErrorOf(end.get(), "COPY");
  while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
  return status;
}

std::string PostgresConnection::QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string PostgresConnection::QuoteLiteral(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace sluice::connectors
