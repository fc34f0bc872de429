#include "testing/mariadb_server.h"

#include <fmt/format.h>
#include <mysql.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "testing/free_port.h"

namespace sluice::testing {
namespace {

constexpr const char* kServer = "/usr/sbin/mariadbd";
constexpr const char* kInstallDb = "/usr/bin/mariadb-install-db";

}  // namespace

MariaDbServer::MariaDbServer() {
  char pattern[] = "/tmp/sluice-mariadb-XXXXXX";
  const char* dir = ::mkdtemp(pattern);
  dir_ = dir != nullptr ? dir : "";
}

MariaDbServer::~MariaDbServer() {
  Stop();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

ServerProcess::Options MariaDbServer::ProcessOptions(std::vector<std::string> argv,
                                                     const std::string& log) const {
  ServerProcess::Options options;
  options.argv = std::move(argv);
  options.log_path = log;
  options.working_dir = dir_;
  return options;
}

Status MariaDbServer::InstallDb() {
  if (dir_.empty()) return Status::IoError("mkdtemp failed for the MariaDB directory");
  if (::access(kServer, X_OK) != 0 || ::access(kInstallDb, X_OK) != 0) {
    return Status::NotFound(
        fmt::format("{} or {} is missing: run scripts/install-deps.sh (package mariadb-server)",
                    kServer, kInstallDb));
  }
  ASSIGN_OR_RETURN(port_, PickFreePort());
  ServerProcess install;
  RETURN_IF_ERROR(install.Start(
      ProcessOptions({kInstallDb, "--no-defaults", "--user=root", "--datadir=" + dir_ + "/data",
                      "--auth-root-authentication-method=normal", "--skip-test-db"},
                     dir_ + "/install.log")));
  RETURN_IF_ERROR(install.WaitForSuccess("mariadb-install-db"));
  installed_ = true;
  return Status::Ok();
}

Status MariaDbServer::Start(int timeout_ms) {
  if (running()) return Status::Ok();
  if (!installed_) RETURN_IF_ERROR(InstallDb());
  RETURN_IF_ERROR(process_.Start(ProcessOptions({kServer,
                                                 "--no-defaults",
                                                 "--user=root",
                                                 "--datadir=" + dir_ + "/data",
                                                 "--socket=" + dir_ + "/mysqld.sock",
                                                 "--pid-file=" + dir_ + "/mysqld.pid",
                                                 "--bind-address=127.0.0.1",
                                                 fmt::format("--port={}", port_),
                                                 "--server-id=1",
                                                 "--log-bin=" + dir_ + "/data/binlog",
                                                 "--binlog-format=ROW",
                                                 "--binlog-row-image=FULL",
                                                 "--default-time-zone=+00:00",
                                                 "--skip-name-resolve",
                                                 "--innodb-buffer-pool-size=32M",
                                                 "--innodb-log-file-size=16M",
                                                 "--innodb-flush-log-at-trx-commit=2",
                                                 "--sync-binlog=0",
                                                 "--max-connections=50",
                                                 "--character-set-server=utf8mb4"},
                                                dir_ + "/server.log")));
  Status up = process_.WaitUntilUp(
      "mariadbd", std::chrono::milliseconds(timeout_ms), std::chrono::milliseconds(100),
      [this] { return Query("CREATE DATABASE IF NOT EXISTS test").status(); });
  if (!up.ok()) Stop();
  return up;
}

void MariaDbServer::Stop() { process_.Stop(SIGTERM, std::chrono::seconds(20)); }

Result<std::vector<MariaDbServer::Row>> MariaDbServer::Query(const std::string& sql) const {
  MYSQL* conn = ::mysql_init(nullptr);
  if (conn == nullptr) return Status::Internal("mysql_init failed");
  unsigned int timeout = 5;
  ::mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  std::vector<Row> rows;
  Status status = Status::Ok();
  if (::mysql_real_connect(conn, "127.0.0.1", "root", "", nullptr, static_cast<unsigned int>(port_),
                           nullptr, 0) == nullptr ||
      ::mysql_real_query(conn, sql.data(), sql.size()) != 0) {
    status = Status::Unavailable(fmt::format("MariaDB: {}", ::mysql_error(conn)));
  } else if (MYSQL_RES* result = ::mysql_store_result(conn)) {
    const unsigned int n = ::mysql_num_fields(result);
    while (MYSQL_ROW row = ::mysql_fetch_row(result)) {
      unsigned long* lengths = ::mysql_fetch_lengths(result);
      Row out;
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
  } else if (::mysql_field_count(conn) != 0) {
    status = Status::Unavailable(fmt::format("MariaDB: {}", ::mysql_error(conn)));
  }
  ::mysql_close(conn);
  if (!status.ok()) return status;
  return rows;
}

std::string MariaDbServer::LogTail(size_t max_bytes) const { return process_.LogTail(max_bytes); }

}  // namespace sluice::testing
