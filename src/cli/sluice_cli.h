#pragma once

namespace sluice::cli {

/// Exit codes of the sluice binary.
enum ExitCode {
  kExitOk = 0,          // success; a graceful stop (SIGINT/SIGTERM) also exits 0
  kExitRuntimeError = 1,  // the pipeline failed while running (I/O, a server gone for good)
  kExitUserError = 2,   // bad command line, bad pipeline file (SQL, options)
  kExitInternal = 3,    // a bug in sluice
};

/// Parses argv and runs the chosen command. The only place that parses argv.
int RunSluiceCli(int argc, char** argv);

}  // namespace sluice::cli
