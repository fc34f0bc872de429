#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace sluice::connectors {

/// Sends the lines of a file (NDJSON events) to a Kafka topic, one message per non-blank line,
/// paced at `rate` messages per second (0: as fast as possible). Used by `sluice kafka produce`.
class NdjsonFileProducer {
 public:
  /// Sends every line of `path` to `topic` at `brokers`, waits for every delivery report, and
  /// returns how many were sent; stops early when `stop` becomes true.
  static Result<int64_t> Run(const std::string& brokers, const std::string& topic,
                             const std::string& path, double rate, const std::atomic<bool>& stop);
};

}  // namespace sluice::connectors
