#pragma once

#include <sys/types.h>

#include <string>

#include "common/server_process.h"
#include "common/status.h"

namespace sluice::testing {

/// A private standalone ZooKeeper for integration tests (ClickHouse's Replicated* tables need
/// one): Debian's `zookeeper` package run as `java ... QuorumPeerMain zoo.cfg` on a free
/// 127.0.0.1 port, its data and log in a fresh directory under /tmp.
///
/// Lifecycle: construct, Start (waits until the server answers "ruok" with "imok"), any number of
/// Stop/Start (port and data kept), destroy (kills the server, removes the directory). The child
/// gets SIGKILL when the thread that started it ends (PR_SET_PDEATHSIG): start it from the test's
/// main thread. Not thread-safe.
class ZooKeeperServer {
 public:
  ZooKeeperServer();
  ~ZooKeeperServer();
  ZooKeeperServer(const ZooKeeperServer&) = delete;
  ZooKeeperServer& operator=(const ZooKeeperServer&) = delete;

  /// Starts the server and waits up to `timeout_ms` for it to answer; the error holds the log
  /// tail. kUnavailable when Java or the zookeeper package is missing.
  Status Start(int timeout_ms = 60000);
  /// Stops the server (SIGTERM, SIGKILL after 10 s) and waits for it.
  void Stop();
  bool running() const { return process_.running(); }
  int port() const { return port_; }
  /// Returns "127.0.0.1:<port>".
  std::string address() const;
  std::string LogTail(size_t max_bytes = 3000) const;

  /// Returns the Java class path Debian's zookeeper package needs: its configuration directory,
  /// zookeeper.jar, zookeeper-jute.jar and the SLF4J, Netty and metrics jars it loads.
  static std::string ClassPath(const std::string& conf_dir);

 private:
  Status WriteConfig();
  bool Answers() const;

  std::string dir_;
  int port_ = 0;
  ServerProcess process_;
};

}  // namespace sluice::testing
