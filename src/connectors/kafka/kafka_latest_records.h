#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::connectors {

/// One record of a keyed topic: its key, value and timestamp (ms since the epoch).
struct KafkaKeyedRecord {
  std::string key;
  std::string value;
  int64_t timestamp_ms = 0;
};

/// Reads a keyed topic from its beginning to its current end and keeps the latest record of each
/// key, as a compacted topic's reader does (the status topic: cli/status_command.h). Stateless;
/// joins no consumer group and commits nothing.
class KafkaLatestRecords {
 public:
  /// Connects with the cluster settings of `properties` (KafkaClientConfig::ConnectionProperties)
  /// and returns the latest record of each key of `topic`, in key order. A topic the cluster
  /// lacks is kNotFound; not reaching the end within `timeout_ms` is kUnavailable.
  static Result<std::vector<KafkaKeyedRecord>> Read(
      const std::map<std::string, std::string>& properties, const std::string& topic,
      int timeout_ms);
};

}  // namespace sluice::connectors
