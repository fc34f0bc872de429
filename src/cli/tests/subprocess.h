#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::cli::testing {

/// Environment variables set for a child on top of the parent's environment.
using EnvVars = std::vector<std::pair<std::string, std::string>>;

/// What a finished child left behind.
struct SubprocessOutput {
  int exit_code = -1;      // the exit status when the child exited normally, else -1
  int term_signal = 0;     // the signal that killed the child, else 0
  bool timed_out = false;  // true when the child outlived its deadline and was killed
  std::string stdout_text;
  std::string stderr_text;
};

/// A child process started with fork/exec (never through a shell): stdin from /dev/null, stdout
/// and stderr captured through pipes. Lifecycle: Start, optionally ReadStdoutUntil / Signal, then
/// Wait once; the destructor kills (SIGKILL) and reaps a child that was not waited for. Used by
/// one thread at a time.
class Subprocess {
 public:
  /// Starts `argv[0]` (a path) with arguments `argv` and the extra variables `env`.
  static Result<std::unique_ptr<Subprocess>> Start(const std::vector<std::string>& argv,
                                                   const EnvVars& env = {});
  /// Runs a child to completion, killing it after `timeout`.
  static Result<SubprocessOutput> Run(const std::vector<std::string>& argv, const EnvVars& env,
                                      std::chrono::milliseconds timeout);

  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  /// Collects output until stdout holds at least `min_lines` newline characters, the child closes
  /// its pipes, or `timeout` passes. Returns whether the line count was reached.
  bool ReadStdoutUntil(size_t min_lines, std::chrono::milliseconds timeout);
  /// Returns the stdout collected so far (by ReadStdoutUntil).
  const std::string& stdout_so_far() const { return output_.stdout_text; }
  /// Sends `signal` to the child.
  void Signal(int signal);
  /// Collects the remaining output and reaps the child; kills it with SIGKILL when it is still
  /// running after `timeout`.
  SubprocessOutput Wait(std::chrono::milliseconds timeout);

 private:
  Subprocess() = default;
  // Reads what is available on the pipes, waiting at most `wait_ms`. Returns false once both
  // pipes are closed.
  bool Pump(int wait_ms);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool reaped_ = false;
  SubprocessOutput output_;
};

}  // namespace sluice::cli::testing
