#include "testing/mariadb_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <mysql.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "testing/free_port.h"

namespace sluice::testing {
namespace {

constexpr const char* kServer = "/usr/sbin/mariadbd";
constexpr const char* kInstallDb = "/usr/bin/mariadb-install-db";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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

Result<pid_t> MariaDbServer::Spawn(const std::vector<std::string>& argv,
                                   const std::string& log) const {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_t child = ::fork();
  if (child < 0) return Status::IoError("fork failed");
  if (child > 0) return child;
  // In the child: only async-signal-safe calls from here on.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::close(fd);
  }
  if (::chdir(dir_.c_str()) != 0) ::_exit(126);
  ::execv(args[0], args.data());
  ::_exit(127);
}

Status MariaDbServer::InstallDb() {
  if (dir_.empty()) return Status::IoError("mkdtemp failed for the MariaDB directory");
  if (::access(kServer, X_OK) != 0 || ::access(kInstallDb, X_OK) != 0) {
    return Status::NotFound(
        fmt::format("{} or {} is missing: run scripts/install-deps.sh (package mariadb-server)",
                    kServer, kInstallDb));
  }
  ASSIGN_OR_RETURN(port_, PickFreePort());
  ASSIGN_OR_RETURN(pid_t pid,
                   Spawn({kInstallDb, "--no-defaults", "--user=root", "--datadir=" + dir_ + "/data",
                          "--auth-root-authentication-method=normal", "--skip-test-db"},
                         dir_ + "/install.log"));
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return Status::Unavailable(fmt::format("mariadb-install-db failed (status {}):\n{}", wstatus,
                                           ReadFile(dir_ + "/install.log")));
  }
  installed_ = true;
  return Status::Ok();
}

Status MariaDbServer::Start(int timeout_ms) {
  if (running()) return Status::Ok();
  if (!installed_) RETURN_IF_ERROR(InstallDb());
  ASSIGN_OR_RETURN(pid_t pid, Spawn({kServer,
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
                                    dir_ + "/server.log"));
  pid_ = pid;
  Status up = WaitUntilUp(timeout_ms);
  if (!up.ok()) Stop();
  return up;
}

Status MariaDbServer::WaitUntilUp(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  Status last = Status::Unavailable("not tried");
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Unavailable(fmt::format(
          "mariadbd exited during start-up (status {}); log tail:\n{}", wstatus, LogTail()));
    }
    auto created = Query("CREATE DATABASE IF NOT EXISTS test");
    if (created.ok()) return Status::Ok();
    last = created.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Unavailable(fmt::format("mariadbd did not answer within {} ms ({}); log tail:\n{}",
                                         timeout_ms, last.message(), LogTail()));
}

void MariaDbServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int wstatus = 0;
  while (::waitpid(pid_, &wstatus, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &wstatus, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  pid_ = -1;
}

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

std::string MariaDbServer::LogTail(size_t max_bytes) const {
  std::string log = ReadFile(dir_ + "/server.log");
  return log.size() > max_bytes ? log.substr(log.size() - max_bytes) : log;
}

}  // namespace sluice::testing
