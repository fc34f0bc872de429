#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/event_time.h"
#include "common/status.h"

namespace sluice::runtime {

/// One step of an epoch's consumption order: a batch a source split delivered (up to
/// `end_position`), a processing-time decision that influenced results (a split going idle), or
/// the end of a bounded source's input (every window fires).
struct EpochLogEntry {
  enum class Kind : uint8_t { kBatch = 0, kIdle = 1, kEndOfInput = 2 };
  Kind kind = Kind::kBatch;
  uint32_t source = 0;  // index of the source stage in the pipeline
  uint32_t split = 0;
  std::string end_position;
  int64_t processing_time_ms = 0;  // the value PROCTIME()/CURRENT_TIMESTAMP saw for this batch
};

/// A sealed epoch read back from a log file; `committed` when a commit record followed it (every
/// sink acknowledged the epoch's output).
struct LoggedEpoch {
  EpochId epoch;
  std::vector<EpochLogEntry> entries;
  bool committed = false;
};

/// The order in which each epoch consumed its input (the offset log), and which epochs every sink
/// acknowledged (the commit log), so that replaying an epoch reproduces its output byte for byte.
/// Entries accumulate in memory while the epoch runs; Seal appends the epoch (one text line per
/// entry, then an end marker) to the log file, if any, and fsyncs it before the epoch's output
/// goes to sinks; Commit appends a commit record after the sinks acknowledged it (durable with
/// the next Seal). Compact drops
/// epochs a checkpoint covers (atomic rewrite). Used by the pipeline thread only.
class EpochLog {
 public:
  /// `path` may be empty: the log is then kept in memory only.
  explicit EpochLog(std::string path = "");
  ~EpochLog();
  EpochLog(const EpochLog&) = delete;
  EpochLog& operator=(const EpochLog&) = delete;

  void Append(EpochLogEntry entry) { current_.push_back(std::move(entry)); }
  const std::vector<EpochLogEntry>& current() const { return current_; }

  /// Makes the current epoch's entries durable (appended and fsynced) and starts the next epoch.
  /// Returns the sealed entries. A failed append (full or read-only disk) leaves the file as it
  /// was; the first append of a process first cuts whatever follows the last end or commit
  /// record (an append cut short), so it can never join the next epoch's entries.
  Result<std::vector<EpochLogEntry>> Seal(EpochId epoch);
  /// Appends the commit record of a sealed epoch, without waiting for the disk: the next Seal's
  /// fsync makes it durable. (Losing it to a machine crash only makes recovery write the epoch
  /// again, under the same identities.)
  Status Commit(EpochId epoch);
  /// Rewrites the file without the epochs up to and including `through` (temp file, fsync,
  /// rename, fsync of the directory).
  Status Compact(EpochId through);

  /// Reads every sealed epoch of a log file, in order, with its commit state. Entries after the
  /// last end marker (an epoch cut short by a crash) are not part of the log.
  static Result<std::vector<LoggedEpoch>> Read(const std::string& path);
  /// Reads every sealed epoch of a log file, in order.
  static Result<std::vector<std::pair<EpochId, std::vector<EpochLogEntry>>>> ReadFile(
      const std::string& path);

 private:
  /// Appends `text` to the file, fsynced when `sync`.
  Status AppendText(const std::string& text, bool sync);
  // Truncates the open file after its last end or commit record.
  Status DropUnsealedTail();
  // Returns the length of `text` up to and including its last end or commit record.
  static size_t SealedLength(std::string_view text);
  void CloseFile();

  std::string path_;
  int fd_ = -1;
  std::vector<EpochLogEntry> current_;
};

}  // namespace sluice::runtime
