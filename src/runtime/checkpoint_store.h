#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/event_time.h"
#include "common/status.h"

namespace sluice::runtime {

/// One checkpoint: the pipeline's state after epoch `epoch` was committed.
struct Checkpoint {
  EpochId epoch;
  std::string fingerprint;  // of the planned SQL; restoring needs an equal one
  std::string payload;      // operator state and source positions (Pipeline's layout)
};

/// The checkpoints of one pipeline in its state directory ('state.dir'): files
/// "checkpoint-<epoch>.bin" in a versioned binary format (magic, version, fingerprint, epoch,
/// payload, checksum), each written atomically (temp file, fsync, rename, fsync of the
/// directory); only the newest `keep` are kept. A LOCK file (flock) keeps a second process off the
/// directory. Used by the pipeline thread only. Lifecycle: Open, then Write / LoadLatest.
class CheckpointStore {
 public:
  static constexpr uint8_t kFormatVersion = 1;

  /// Creates the directory when missing and locks it; kUnavailable when another process holds it.
  static Result<std::unique_ptr<CheckpointStore>> Open(const std::string& dir, int keep = 2);
  /// Returns whether a process (this one included) holds the lock of `dir` now.
  static bool InUse(const std::string& dir);
  ~CheckpointStore();

  const std::string& dir() const { return dir_; }
  /// Writes `checkpoint` atomically, then removes checkpoints older than the newest `keep`.
  /// Returns the size of the file written.
  Result<size_t> Write(const Checkpoint& checkpoint);
  /// Returns the newest checkpoint that reads back intact (nullopt when there is none); a
  /// damaged newer file is skipped with a warning.
  Result<std::optional<Checkpoint>> LoadLatest() const;
  /// Removes every checkpoint and every other file of the directory but the lock (start fresh).
  Status Clear();

  /// Encodes / decodes the file format (exposed for tests).
  static std::string Encode(const Checkpoint& checkpoint);
  static Result<Checkpoint> Decode(const std::string& bytes, const std::string& what);

 private:
  CheckpointStore(std::string dir, int keep, int lock_fd)
      : dir_(std::move(dir)), keep_(keep), lock_fd_(lock_fd) {}
  std::string PathFor(EpochId epoch) const;

  std::string dir_;
  int keep_;
  int lock_fd_;
};

}  // namespace sluice::runtime
