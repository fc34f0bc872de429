#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::cli {

/// A child process started by `sluice demo` (the producer, the pipeline): its stdout and stderr
/// go to a log file, and it gets SIGKILL if this process dies (PR_SET_PDEATHSIG).
/// Lifecycle: Spawn from the thread that lives as long as the process (the main thread), poll
/// Running, Terminate or destroy (which terminates). Not thread-safe.
class ChildProcess {
 public:
  using Environment = std::vector<std::pair<std::string, std::string>>;

  /// Starts `argv` (argv[0] is the program's path) with `env` added to this process's
  /// environment, writing its output to `log_path`; returns once the child has exec'd (or
  /// failed to: it then exits with status 127).
  static Result<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv,
                                                     const Environment& env,
                                                     const std::string& log_path);
  /// Returns the path of this process's own binary (/proc/self/exe), to start another sluice.
  static std::string SelfPath();
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Returns true while the process has not exited; reaps it once it has.
  bool Running();
  /// Sends SIGTERM, waits up to `timeout_ms` for the exit, then SIGKILL. Idempotent.
  void Terminate(int timeout_ms = 10000);
  /// Blocks until the process has exited and reaps it (no-op once reaped).
  void Wait();
  /// Returns the exit status from waitpid once the process has ended.
  int wait_status() const { return wait_status_; }
  /// Returns the resources the process used (user and system time, peak RSS) once it has ended.
  const struct rusage& usage() const { return usage_; }
  /// Returns the process id while it runs, -1 once it has been reaped.
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

 private:
  ChildProcess() = default;

  pid_t pid_ = -1;
  int wait_status_ = 0;
  struct rusage usage_ {};
  std::string log_path_;
};

}  // namespace sluice::cli
