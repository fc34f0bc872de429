#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"

namespace sluice::connectors {

/// Sends messages to a Kafka topic at a steady rate. Used by `sluice kafka produce --scenario`
/// and `sluice demo`. Stateless: Run is a blocking call on the caller's thread.
class PacedProducer {
 public:
  /// Fills `message` with the next message given the current wall-clock time (epoch millis);
  /// returns false when there is none left.
  using NextMessage = std::function<bool(int64_t now_ms, std::string* message)>;

  /// Sends the messages of `next` to `topic` at `brokers`, `rate` per second (0: as fast as
  /// possible), until it has none left or `stop` becomes true; waits for every delivery report
  /// and returns how many were sent.
  static Result<int64_t> Run(const std::string& brokers, const std::string& topic, double rate,
                             const NextMessage& next, const std::atomic<bool>& stop);
};

}  // namespace sluice::connectors
