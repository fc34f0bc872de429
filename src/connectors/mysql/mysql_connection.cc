#include "connectors/mysql/mysql_connection.h"

#include <fmt/format.h>

namespace sluice::connectors {

MySqlConnection::~MySqlConnection() {
  if (mysql_ != nullptr) ::mysql_close(mysql_);
}

MYSQL* MySqlConnection::Release() {
  MYSQL* handle = mysql_;
  mysql_ = nullptr;
  return handle;
}

Status MySqlConnection::Connect(const MySqlCdcOptions& options) {
  if (mysql_ != nullptr) ::mysql_close(mysql_);
  mysql_ = ::mysql_init(nullptr);
  if (mysql_ == nullptr) return Status::Internal("mysql_init failed");
  unsigned int timeout = 10;
  ::mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  ::mysql_options(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (::mysql_real_connect(mysql_, options.hostname.c_str(), options.username.c_str(),
                           options.password.c_str(), nullptr,
                           static_cast<unsigned int>(options.port), nullptr, 0) == nullptr) {
    Status error =
        Status::Unavailable(fmt::format("mysql-cdc: cannot connect to {}:{}: {}", options.hostname,
                                        options.port, ::mysql_error(mysql_)));
    ::mysql_close(mysql_);
    mysql_ = nullptr;
    return error;
  }
  return Execute("SET SESSION time_zone = '+00:00'");
}

Result<std::vector<MySqlConnection::Row>> MySqlConnection::Query(const std::string& sql) {
  if (mysql_ == nullptr) return Status::Internal("mysql-cdc: query before connect");
  if (::mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    unsigned int error = ::mysql_errno(mysql_);
    std::string message = fmt::format("mysql-cdc: {} (error {}) in: {}", ::mysql_error(mysql_),
                                      error, sql.substr(0, 200));
    // Lost or refused connections are worth retrying; SQL errors are not.
    if (error >= 2000 && error < 3000) return Status::Unavailable(message);
    return Status::InvalidArgument(message);
  }
  std::vector<Row> rows;
  MYSQL_RES* result = ::mysql_store_result(mysql_);
  if (result == nullptr) {
    if (::mysql_field_count(mysql_) != 0) {
      return Status::Unavailable(fmt::format("mysql-cdc: {}", ::mysql_error(mysql_)));
    }
    return rows;
  }
  const unsigned int n = ::mysql_num_fields(result);
  while (MYSQL_ROW row = ::mysql_fetch_row(result)) {
    unsigned long* lengths = ::mysql_fetch_lengths(result);
    Row out;
    out.reserve(n);
    for (unsigned int i = 0; i < n; ++i) {
      if (row[i] == nullptr) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(std::string(row[i], lengths[i]));
      }
    }
    rows.push_back(std::move(out));
  }
  ::mysql_free_result(result);
  return rows;
}

Status MySqlConnection::Execute(const std::string& sql) {
  auto rows = Query(sql);
  return rows.ok() ? Status::Ok() : rows.status();
}

std::string MySqlConnection::Quote(const std::string& value) {
  std::string out(value.size() * 2 + 1, '\0');
  unsigned long n = ::mysql_real_escape_string(mysql_, out.data(), value.data(), value.size());
  out.resize(n);
  return "'" + out + "'";
}

}  // namespace sluice::connectors
