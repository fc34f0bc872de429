#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "connectors/clickhouse/local_clickhouse_server.h"

namespace sluice::testing {

/// A private ClickHouse server for integration tests: a connectors::LocalClickHouseServer on free
/// 127.0.0.1 ports with its data, temporary files and logs in a fresh directory under /tmp.
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
  bool running() const { return server_->running(); }

  /// Runs `sql` over HTTP and returns the response body; a non-200 answer is an error holding
  /// ClickHouse's message.
  Result<std::string> Query(const std::string& sql) const;

  /// Makes the server use the ZooKeeper at 127.0.0.1:`zookeeper_port`, with macros {shard} = 01
  /// and {replica} = `replica`, so `ReplicatedMergeTree('/clickhouse/tables/{shard}/t',
  /// '{replica}')` works (on 18.16 as on later versions). Writes config.d/zookeeper.xml; call
  /// before Start (or Stop and Start again).
  Status UseZooKeeper(int zookeeper_port, const std::string& replica = "r1");

  /// Returns "http://127.0.0.1:<http port>".
  std::string url() const { return server_->url(); }
  int http_port() const { return server_->http_port(); }
  int tcp_port() const { return server_->tcp_port(); }
  const std::string& directory() const { return dir_; }
  /// Returns the last `max_bytes` of the server's log files.
  std::string LogTail(size_t max_bytes = 4000) const { return server_->LogTail(max_bytes); }

  /// Returns the server shared by every test of this process, started on first use and stopped
  /// by the GoogleTest environment (see clickhouse_test_environment.h) or at exit. Fails the
  /// calling test's setup when it does not start.
  static Result<ClickHouseServer*> Shared();
  /// Stops and destroys the shared server, if there is one.
  static void DestroyShared();

 private:
  std::string dir_;
  std::unique_ptr<connectors::LocalClickHouseServer> server_;
};

}  // namespace sluice::testing
