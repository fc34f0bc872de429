#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::golden {

/// What a finished child process left behind.
struct ChildOutput {
  int exit_code = -1;      // the exit status, or 128 + signal number when killed by a signal
  bool timed_out = false;  // true when the child was killed for running past the timeout
  std::string stdout_text;
  std::string stderr_text;
};

/// Describes one program run: argv (argv[0] is the executable path, run without a shell), the
/// working directory, extra environment variables, and a wall-clock limit.
struct ChildSpec {
  std::vector<std::string> argv;
  std::string cwd;
  std::vector<std::pair<std::string, std::string>> env;
  std::chrono::milliseconds timeout{60'000};
};

/// Runs `spec` to completion with stdin from /dev/null, capturing stdout and stderr through
/// pipes; kills the child with SIGKILL when it outlives the timeout. Blocks the calling thread.
Result<ChildOutput> RunChild(const ChildSpec& spec);

}  // namespace sluice::golden
