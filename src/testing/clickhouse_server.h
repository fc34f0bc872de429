#pragma once

#include <sys/types.h>

#include <string>

#include "common/status.h"

namespace sluice::testing {

/// A private ClickHouse server for integration tests: Debian's `clickhouse-server` started as a
/// child process on free 127.0.0.1 ports, with a generated config and its data, temporary files
/// and logs in a fresh directory under /tmp.
///
/// Lifecycle: construct, Start (waits until `GET /ping` answers), any number of Stop/Start
/// (the ports and data directory are kept, so data survives a restart), destroy (kills the
/// server and removes the directory). The child dies with the test process even when that one
/// crashes (PR_SET_PDEATHSIG). Not thread-safe: use from one thread; Query may run while another
/// thread waits on nothing else of this object.
class ClickHouseServer {
 public:
  ClickHouseServer();
  ~ClickHouseServer();
  ClickHouseServer(const ClickHouseServer&) = delete;
  ClickHouseServer& operator=(const ClickHouseServer&) = delete;

  /// Starts the server and waits up to `timeout_ms` for it to answer; the error holds the tail
  /// of the server log.
  Status Start(int timeout_ms = 30000);
  /// Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for the process to end. A
  /// graceful stop is slow under load: 18.16 goes on answering queries on open keep-alive
  /// connections until they fall idle, so a client writing steadily keeps it up the whole 10 s.
  void Stop();
  /// Kills the server at once (SIGKILL: a crash or a pulled cable) and waits for the process to
  /// end. Outage tests use this: nothing is answered after it returns.
  void Kill();
  bool running() const { return pid_ > 0; }

  /// Runs `sql` over HTTP and returns the response body; a non-200 answer is an error holding
  /// ClickHouse's message.
  Result<std::string> Query(const std::string& sql) const;

  /// Returns "http://127.0.0.1:<http port>".
  std::string url() const;
  int http_port() const { return http_port_; }
  int tcp_port() const { return tcp_port_; }
  const std::string& directory() const { return dir_; }
  /// Returns the last `max_bytes` of the server's log files.
  std::string LogTail(size_t max_bytes = 4000) const;

  /// Returns the server shared by every test of this process, started on first use and stopped
  /// by the GoogleTest environment (see clickhouse_test_environment.h) or at exit. Fails the
  /// calling test's setup when it does not start.
  static Result<ClickHouseServer*> Shared();
  /// Stops and destroys the shared server, if there is one.
  static void DestroyShared();

 private:
  Status WriteConfig();
  Status WaitUntilUp(int timeout_ms);

  std::string dir_;
  int http_port_ = 0;
  int tcp_port_ = 0;
  int interserver_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace sluice::testing
