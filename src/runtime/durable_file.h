#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::runtime {

/// Crash-safe file operations for the state directory: appends that are on disk when they
/// return, and whole-file replacement that a crash leaves either old or new, never torn.
/// Stateless; thread-safe.
class DurableFile {
 public:
  /// Writes all of `data` to `fd` and fsyncs it; `path` names the file in errors.
  static Status WriteAllAndSync(int fd, std::string_view data, const std::string& path);
  /// Writes all of `data` to `fd` without waiting for the disk: a crash of the process keeps it
  /// (the kernel has it), a crash of the machine may not.
  static Status WriteAll(int fd, std::string_view data, const std::string& path);
  /// Replaces `path` with `data`: writes "<path>.tmp", fsyncs it, renames it over `path` and
  /// fsyncs the directory.
  static Status ReplaceAtomically(const std::string& path, std::string_view data);
  /// Returns the whole content of `path` (kNotFound when it does not exist).
  static Result<std::string> ReadAll(const std::string& path);
  /// Creates `dir` and its parents when missing.
  static Status CreateDirectories(const std::string& dir);
  /// Fsyncs directory `dir` (makes renames and creations in it durable).
  static Status SyncDirectory(const std::string& dir);
};

}  // namespace sluice::runtime
