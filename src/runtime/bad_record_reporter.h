#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/logging.h"

namespace sluice::runtime {

/// Receives every record a source could not decode: counts it, logs it with rate limiting, and
/// appends it (raw bytes, where it came from, why) as one JSON line to the dead-letter file when
/// one is configured. Nothing bad is dropped silently. Thread-safe.
class BadRecordReporter {
 public:
  /// `dead_letter_path` may be empty (no dead-letter file).
  explicit BadRecordReporter(std::string dead_letter_path = "");

  /// Reports a bad record of table `table` at `location` (e.g. "orders.json:17" or
  /// "topic-2@1041") with `reason`.
  void Report(std::string_view table, std::string_view location, std::string_view raw,
              std::string_view reason);

  int64_t count() const;

 private:
  mutable std::mutex mutex_;
  std::string dead_letter_path_;
  std::unique_ptr<std::ofstream> dead_letter_;
  RateLimitedLog log_{20, 10'000};
  int64_t count_ = 0;
};

}  // namespace sluice::runtime
