#pragma once

#include <string>

#include "common/server_process.h"
#include "common/status.h"

namespace sluice::connectors {

/// A ClickHouse server that sluice starts itself (`sluice demo`, integration tests): Debian's
/// `clickhouse-server` as a child process listening on 127.0.0.1 only, with a generated config
/// and its data, temporary files and logs under one directory.
///
/// Lifecycle: construct with the directory (created if missing, kept on destruction), Start
/// (waits until `GET /ping` answers), any number of Stop/Start (ports and data are kept, so data
/// survives a restart), destroy (stops the server). The child dies with this process even when
/// it crashes (PR_SET_PDEATHSIG, armed on a thread that lives as long as the process). Not
/// thread-safe: use from one thread.
class LocalClickHouseServer {
 public:
  /// `http_port` 0 picks a free port at the first Start.
  explicit LocalClickHouseServer(std::string directory, int http_port = 0);
  ~LocalClickHouseServer();
  LocalClickHouseServer(const LocalClickHouseServer&) = delete;
  LocalClickHouseServer& operator=(const LocalClickHouseServer&) = delete;

  /// Starts the server and waits up to `timeout_ms` for it to answer; the error holds the tail
  /// of the server log.
  Status Start(int timeout_ms = 30000);
  /// Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for the process to end.
  void Stop();
  /// Kills the server at once (SIGKILL) and waits for the process to end.
  void Kill();
  bool running() const { return process_.running(); }
  /// Returns the server's process id while it runs (for its CPU time in /proc), -1 otherwise.
  pid_t pid() const { return process_.pid(); }

  /// Returns "http://127.0.0.1:<http port>".
  std::string url() const;
  int http_port() const { return http_port_; }
  int tcp_port() const { return tcp_port_; }
  const std::string& directory() const { return dir_; }
  /// Returns the last `max_bytes` of the server's log files.
  std::string LogTail(size_t max_bytes = 4000) const;

  /// Returns a port on 127.0.0.1 that was free a moment ago (the kernel's pick for port 0).
  static Result<int> FreePort();

 private:
  Status WriteConfig();

  std::string dir_;
  int http_port_ = 0;
  int tcp_port_ = 0;
  int interserver_port_ = 0;
  ServerProcess process_;
};

}  // namespace sluice::connectors
