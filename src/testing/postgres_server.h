#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/server_process.h"
#include "common/status.h"

namespace sluice::testing {

/// A private PostgreSQL server for integration tests: Debian's PostgreSQL 15 (`initdb`, then
/// `postgres`, from /usr/lib/postgresql/15/bin) in a fresh directory under /tmp, listening on a
/// free 127.0.0.1 port and on a unix socket in that directory, trust authentication for the
/// superuser `postgres`, UTC, fsync off. PostgreSQL refuses to run as root: when the test runs as
/// root the directory is given to the `postgres` system user and the server runs as that user.
///
/// Lifecycle: construct, Start (initdb on first start; waits until the server accepts
/// connections), any number of Stop/Start (port and data survive; outage tests), destroy (kills
/// the server and removes the directory). The server dies with the thread that started it, even
/// when the test process crashes (PR_SET_PDEATHSIG): start it from a thread that outlives its
/// use. Not thread-safe, except that Query may run on several threads.
class PostgresServer {
 public:
  using Row = std::vector<std::optional<std::string>>;  // nullopt is NULL

  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  /// Starts the server and waits up to `timeout_ms` for it to accept connections; the error holds
  /// the tail of the server log.
  Status Start(int timeout_ms = 30000);
  /// Stops the server (fast shutdown: SIGINT, then SIGKILL after 10 s) and waits for it to end.
  void Stop();
  bool running() const { return process_.running(); }

  /// Runs `sql` (one or more statements) in database `postgres` on a new connection and returns
  /// the last statement's rows as text; an error holds PostgreSQL's message.
  Result<std::vector<Row>> Query(const std::string& sql) const;

  /// Returns "postgresql://postgres@127.0.0.1:<port>/postgres".
  std::string url() const;
  int port() const { return port_; }
  const std::string& directory() const { return dir_; }
  /// Returns the last `max_bytes` of the server's log.
  std::string LogTail(size_t max_bytes = 4000) const;

  /// Returns the server shared by every test of this process, started on first use and stopped
  /// by the GoogleTest environment (see postgres_test_environment.h) or at exit.
  static Result<PostgresServer*> Shared();
  /// Stops and destroys the shared server, if there is one.
  static void DestroyShared();

 private:
  Status PrepareDirectory();
  Status InitDb();
  /// `argv` run as the server user in the server directory with its output appended to `log`.
  ServerProcess::Options ProcessOptions(std::vector<std::string> argv,
                                        const std::string& log) const;

  std::string dir_;
  int port_ = 0;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  bool switch_user_ = false;
  bool initialized_ = false;
  ServerProcess process_;
};

}  // namespace sluice::testing
