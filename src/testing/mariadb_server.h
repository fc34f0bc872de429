#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/server_process.h"
#include "common/status.h"

namespace sluice::testing {

/// A private MariaDB server for change-data-capture tests: Debian's mariadb-server
/// (`mariadb-install-db` into a fresh directory under /tmp, then `mariadbd --user=root`) on a
/// free 127.0.0.1 port and a unix socket in that directory, with the binlog a CDC reader needs:
/// log_bin, binlog_format=ROW, binlog_row_image=FULL, server_id=1. The `root` user has no
/// password over TCP; a database `test` exists. Time zone UTC.
///
/// Lifecycle: construct, Start (installs the data directory on first start; waits until the
/// server answers), any number of Stop/Start (port and data survive), destroy (kills the server
/// and removes the directory). The server dies with this process (PR_SET_PDEATHSIG).
/// Not thread-safe, except that Query may run on several threads.
class MariaDbServer {
 public:
  using Row = std::vector<std::optional<std::string>>;  // nullopt is NULL

  MariaDbServer();
  ~MariaDbServer();
  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;

  /// Starts the server and waits up to `timeout_ms` for it to answer; the error holds the tail of
  /// the server log.
  Status Start(int timeout_ms = 60000);
  /// Stops the server (SIGTERM, then SIGKILL after 20 s) and waits for it to end.
  void Stop();
  bool running() const { return process_.running(); }

  /// Runs `sql` (one statement) as root in database `test` on a new connection and returns its
  /// rows as text (none for statements without a result); an error holds MariaDB's message.
  Result<std::vector<Row>> Query(const std::string& sql) const;

  int port() const { return port_; }
  const std::string& directory() const { return dir_; }
  /// Returns the last `max_bytes` of the server's log.
  std::string LogTail(size_t max_bytes = 4000) const;

 private:
  Status InstallDb();
  /// `argv` run in the server directory with its output appended to `log`.
  ServerProcess::Options ProcessOptions(std::vector<std::string> argv,
                                        const std::string& log) const;

  std::string dir_;
  int port_ = 0;
  bool installed_ = false;
  ServerProcess process_;
};

}  // namespace sluice::testing
