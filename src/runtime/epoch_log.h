#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
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

/// The order in which an epoch consumed its input, so that replaying it reproduces the epoch's
/// output byte for byte. Entries accumulate in memory while the epoch runs; Seal writes the epoch
/// (as one text line per entry, then an end marker) to the log file, if any, before its output
/// goes to sinks. Used by the pipeline thread only.
class EpochLog {
 public:
  /// `path` may be empty: the log is then kept in memory only.
  explicit EpochLog(std::string path = "");

  void Append(EpochLogEntry entry) { current_.push_back(std::move(entry)); }
  const std::vector<EpochLogEntry>& current() const { return current_; }

  /// Makes the current epoch's entries durable (appended and flushed to the file) and starts the
  /// next epoch. Returns the sealed entries.
  Result<std::vector<EpochLogEntry>> Seal(EpochId epoch);

  /// Reads every sealed epoch of a log file, in order.
  static Result<std::vector<std::pair<EpochId, std::vector<EpochLogEntry>>>> ReadFile(
      const std::string& path);

 private:
  std::string path_;
  std::unique_ptr<std::ofstream> file_;
  std::vector<EpochLogEntry> current_;
};

}  // namespace sluice::runtime
