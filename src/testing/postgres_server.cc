#include "testing/postgres_server.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "testing/free_port.h"

namespace sluice::testing {
namespace {

constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";

std::unique_ptr<PostgresServer>& SharedPostgresSlot() {
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

ServerProcess::Options PostgresServer::ProcessOptions(std::vector<std::string> argv,
                                                      const std::string& log) const {
  ServerProcess::Options options;
  options.argv = std::move(argv);
  options.log_path = log;
  options.working_dir = dir_;
  if (switch_user_) options.user = std::make_pair(uid_, gid_);
  return options;
}

Status PostgresServer::InitDb() {
  std::string initdb = std::string(kBinDir) + "/initdb";
  if (::access(initdb.c_str(), X_OK) != 0) {
    return Status::NotFound(
        fmt::format("{} is missing: run scripts/install-deps.sh (package postgresql)", initdb));
  }
  ServerProcess init;
  RETURN_IF_ERROR(init.Start(ProcessOptions({initdb, "-D", dir_ + "/data", "-U", "postgres", "-A",
                                             "trust", "-E", "UTF8", "--locale=C", "--no-sync"},
                                            dir_ + "/initdb.log")));
  RETURN_IF_ERROR(init.WaitForSuccess("initdb"));
  initialized_ = true;
  return Status::Ok();
}

Status PostgresServer::Start(int timeout_ms) {
  if (running()) return Status::Ok();
  if (!initialized_) {
    RETURN_IF_ERROR(PrepareDirectory());
    RETURN_IF_ERROR(InitDb());
  }
  RETURN_IF_ERROR(process_.Start(ProcessOptions({std::string(kBinDir) + "/postgres",
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
                                                dir_ + "/server.log")));
  const std::string conninfo =
      fmt::format("host=127.0.0.1 port={} dbname=postgres user=postgres connect_timeout=2", port_);
  Status up = process_.WaitUntilUp(
      "postgres", std::chrono::milliseconds(timeout_ms), std::chrono::milliseconds(50), [&] {
        return PQping(conninfo.c_str()) == PQPING_OK ? Status::Ok()
                                                     : Status::Unavailable("no connection yet");
      });
  if (!up.ok()) Stop();
  return up;
}

// Fast shutdown: ends sessions, checkpoints, exits.
void PostgresServer::Stop() { process_.Stop(SIGINT, std::chrono::seconds(10)); }

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

std::string PostgresServer::LogTail(size_t max_bytes) const { return process_.LogTail(max_bytes); }

Result<PostgresServer*> PostgresServer::Shared() {
  std::unique_ptr<PostgresServer>& slot = SharedPostgresSlot();
  if (!slot) {
    auto server = std::make_unique<PostgresServer>();
    RETURN_IF_ERROR(server->Start());
    slot = std::move(server);
  }
  return slot.get();
}

void PostgresServer::DestroyShared() { SharedPostgresSlot().reset(); }

}  // namespace sluice::testing
