#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

#include "common/status.h"

namespace sluice::connectors {

/// Creates a topic the pipeline owns (a repartition topic, sql/repartition_rewriter.h) when the
/// cluster does not have it: with `partitions` partitions, or as many as topic `partitions_from`
/// has, the broker's default replication factor, and `retention.ms` = -1 (the topic holds rows
/// of windows still open; nothing may age out of it). A topic that exists is left as it is
/// (another process of the pipeline may have created it first). Stateless; any thread.
class KafkaTopicCreator {
 public:
  static Status Ensure(rd_kafka_t* client, const std::string& topic, int partitions,
                       const std::string& partitions_from);
  /// Creates `topic` with one partition and `cleanup.policy` = compact (a topic of the latest
  /// record per key, such as the status topic) when the cluster does not have it. Waits at most
  /// about 2 s for the cluster's answer (the development broker has no controller and never
  /// answers).
  static Status EnsureCompacted(rd_kafka_t* client, const std::string& topic);

  /// Returns the partition count of `topic` in the cluster's metadata, 0 when it has no such
  /// topic.
  static Result<int> PartitionCount(rd_kafka_t* client, const std::string& topic);

 private:
  /// Creates `topic` with `partitions` partitions and the topic config `config` (key, value),
  /// waiting up to `timeout_ms` for the request.
  static Status Create(rd_kafka_t* client, const std::string& topic, int partitions,
                       const std::pair<const char*, const char*>& config, int timeout_ms);
};

}  // namespace sluice::connectors
