#include "testing/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "testing/free_port.h"

namespace sluice::testing {
namespace {

constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";

std::unique_ptr<PostgresServer>& SharedSlot() {
  static std::unique_ptr<PostgresServer> server;
  return server;
}

}  // namespace

PostgresServer::PostgresServer() {
  char pattern[] = "/tmp/sluice-postgres-XXXXXX";
  const char* dir = ::mkdtemp(pattern);
  dir_ = dir != nullptr ? dir : "";
}

PostgresServer::~PostgresServer() {
  Stop();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string PostgresServer::url() const {
  return fmt::format("postgresql://postgres@127.0.0.1:{}/postgres", port_);
}

Status PostgresServer::PrepareDirectory() {
  if (dir_.empty()) return Status::IoError("mkdtemp failed for the PostgreSQL directory");
  if (port_ == 0) {
    ASSIGN_OR_RETURN(port_, PickFreePort());
  }
  switch_user_ = ::geteuid() == 0;
  if (!switch_user_) return Status::Ok();
  const passwd* user = ::getpwnam("postgres");
  if (user == nullptr) {
    return Status::NotFound(
        "PostgreSQL refuses to run as root and there is no 'postgres' user: run "
        "scripts/install-deps.sh (package postgresql)");
  }
  uid_ = user->pw_uid;
  gid_ = user->pw_gid;
  if (::chown(dir_.c_str(), uid_, gid_) != 0) {
    return Status::IoError(fmt::format("cannot give {} to user postgres", dir_));
  }
  return Status::Ok();
}

Result<pid_t> PostgresServer::Spawn(const std::vector<std::string>& argv,
                                    const std::string& log) const {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_t child = ::fork();
  if (child < 0) return Status::IoError("fork failed");
  if (child > 0) return child;
  // In the child: only async-signal-safe calls from here on.
  if (switch_user_ &&
      (::setgroups(0, nullptr) != 0 || ::setgid(gid_) != 0 || ::setuid(uid_) != 0)) {
    ::_exit(126);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // after setuid, which clears it
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

Status PostgresServer::InitDb() {
  std::string initdb = std::string(kBinDir) + "/initdb";
  if (::access(initdb.c_str(), X_OK) != 0) {
    return Status::NotFound(
        fmt::format("{} is missing: run scripts/install-deps.sh (package postgresql)", initdb));
  }
  ASSIGN_OR_RETURN(pid_t pid, Spawn({initdb, "-D", dir_ + "/data", "-U", "postgres", "-A", "trust",
                                     "-E", "UTF8", "--locale=C", "--no-sync"},
                                    dir_ + "/initdb.log"));
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    std::ifstream in(dir_ + "/initdb.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return Status::Unavailable(fmt::format("initdb failed (status {}):\n{}", wstatus, ss.str()));
  }
  initialized_ = true;
  return Status::Ok();
}

Status PostgresServer::Start(int timeout_ms) {
  if (running()) return Status::Ok();
  if (!initialized_) {
    RETURN_IF_ERROR(PrepareDirectory());
    RETURN_IF_ERROR(InitDb());
  }
  ASSIGN_OR_RETURN(pid_t pid, Spawn({std::string(kBinDir) + "/postgres",
                                     "-D",
                                     dir_ + "/data",
                                     "-p",
                                     std::to_string(port_),
                                     "-k",
                                     dir_,
                                     "-c",
                                     "listen_addresses=127.0.0.1",
                                     "-c",
                                     "fsync=off",
                                     "-c",
                                     "full_page_writes=off",
                                     "-c",
                                     "shared_buffers=32MB",
                                     "-c",
                                     "max_connections=40",
                                     "-c",
                                     "TimeZone=UTC",
                                     "-c",
                                     "log_timezone=UTC"},
                                    dir_ + "/server.log"));
  pid_ = pid;
  Status up = WaitUntilUp(timeout_ms);
  if (!up.ok()) Stop();
  return up;
}

Status PostgresServer::WaitUntilUp(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string conninfo =
      fmt::format("host=127.0.0.1 port={} dbname=postgres user=postgres connect_timeout=2", port_);
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Unavailable(fmt::format(
          "postgres exited during start-up (status {}); log tail:\n{}", wstatus, LogTail()));
    }
    if (PQping(conninfo.c_str()) == PQPING_OK) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::Unavailable(fmt::format(
      "postgres did not accept connections within {} ms; log tail:\n{}", timeout_ms, LogTail()));
}

void PostgresServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // fast shutdown: ends sessions, checkpoints, exits
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int wstatus = 0;
  while (::waitpid(pid_, &wstatus, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &wstatus, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

Result<std::vector<PostgresServer::Row>> PostgresServer::Query(const std::string& sql) const {
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdb(url().c_str()), PQfinish);
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return Status::Unavailable(fmt::format("cannot connect to {}: {}", url(),
                                           conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(conn.get(), sql.c_str()), PQclear);
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return Status::InvalidArgument(
        fmt::format("`{}` failed: {}", sql,
                    result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn.get())));
  }
  std::vector<Row> rows;
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    Row row;
    for (int c = 0; c < PQnfields(result.get()); ++c) {
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

std::string PostgresServer::LogTail(size_t max_bytes) const {
  std::ifstream in(dir_ + "/server.log", std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

Result<PostgresServer*> PostgresServer::Shared() {
  std::unique_ptr<PostgresServer>& slot = SharedSlot();
  if (!slot) {
    auto server = std::make_unique<PostgresServer>();
    RETURN_IF_ERROR(server->Start());
    slot = std::move(server);
  }
  return slot.get();
}

void PostgresServer::DestroyShared() { SharedSlot().reset(); }

}  // namespace sluice::testing
