#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice {

/// A server program (clickhouse-server, mariadbd, postgres, ZooKeeper's JVM, an install step)
/// run as a child of this process, with its output appended to a log file. The child dies with
/// this process (PR_SET_PDEATHSIG). Children are forked from one thread that lives as long as
/// the process, because PR_SET_PDEATHSIG fires when the forking *thread* ends: a server started
/// from a short-lived thread (a test's restart thread) would die with it.
/// Lifecycle: Start, WaitUntilUp, any number of Stop/Kill and Start again; the destructor kills
/// a child still running. Not thread-safe: one owner per object.
class ServerProcess {
 public:
  struct Options {
    /// argv[0] is a path, or a program name looked up in PATH.
    std::vector<std::string> argv;
    /// stdout and stderr are appended to this file.
    std::string log_path;
    /// Log files the server writes itself; LogTail shows their tails too.
    std::vector<std::string> other_logs;
    /// The child's working directory ("" keeps this process's).
    std::string working_dir;
    /// A process group of its own, so that a Ctrl-C for the terminal does not stop the server
    /// before its owner does.
    bool own_process_group = false;
    /// Switches to this user and group before exec (programs that refuse to run as root).
    std::optional<std::pair<uid_t, gid_t>> user;
  };

  ServerProcess() = default;
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// Forks and execs the program. kIoError when fork fails; a failing exec shows as an exit
  /// (status 127) that WaitUntilUp or WaitForSuccess reports.
  Status Start(const Options& options);

  /// Calls `probe` every `poll` until it returns Ok (the server answers). Returns kUnavailable
  /// naming `name`, with the probe's last error and the log's tail, when the child exits first or
  /// `timeout` passes (the child is left running then: the caller decides).
  Status WaitUntilUp(std::string_view name, std::chrono::milliseconds timeout,
                     std::chrono::milliseconds poll, const std::function<Status()>& probe);

  /// Waits for a program that ends by itself (an install step); Ok when it exited with status 0,
  /// kUnavailable with the log otherwise.
  Status WaitForSuccess(std::string_view name);

  /// Sends `signal`, waits up to `grace` for the child to end, then kills it (SIGKILL) and waits.
  void Stop(int signal, std::chrono::milliseconds grace);
  /// Kills the child at once (SIGKILL) and waits for it.
  void Kill();

  bool running() const { return pid_ > 0; }
  /// Returns the child's process id while it runs, -1 otherwise.
  pid_t pid() const { return pid_; }
  /// Returns the tails of the log files, at most `max_bytes` in all.
  std::string LogTail(size_t max_bytes = 4000) const;

 private:
  /// Reaps the child if it has ended; returns its wait status then.
  std::optional<int> Exited();

  pid_t pid_ = -1;
  std::vector<std::string> logs_;
};

}  // namespace sluice
