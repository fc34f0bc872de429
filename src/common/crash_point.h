#pragma once

#include <string_view>

namespace sluice {

/// Fault injection for crash tests. When the environment variable `SLUICE_CRASH_AT` is
/// `<name>:<n>`, the n-th call of `CrashPoint(name)` in this process kills the process with
/// SIGKILL: no destructors, no flushes, exactly as `kill -9` at that step would. Crash tests use it
/// to stop sluice at steps a random kill rarely hits (between two blocks of a sink write, between
/// writing a checkpoint's temporary file and renaming it). Unset (production): one load and a
/// compare per call. Thread-safe.
void CrashPoint(std::string_view name);

}  // namespace sluice
