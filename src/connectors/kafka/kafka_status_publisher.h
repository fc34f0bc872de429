#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "connectors/kafka/kafka_client_config.h"

namespace sluice::connectors {

/// Publishes a process's status records to a compacted Kafka topic, keyed by process, so that
/// `sluice status` can list every process of a pipeline without knowing where they run (see
/// cli/status_reporter.h). Publishing never blocks the caller: records are queued and delivered
/// by librdkafka's threads; a failed delivery is reported by the next Publish.
/// Lifecycle: Create, Publish from one thread, destroy (waits up to 2 s for queued records).
class KafkaStatusPublisher {
 public:
  /// Connects with the cluster settings of `properties` (KafkaClientConfig::ConnectionProperties).
  /// The first Publish creates `topic`, compacted, when the cluster lacks it and lets us (else
  /// the broker's auto-creation makes it at the first record), so that the caller's thread, not
  /// the pipeline's start, waits for the cluster.
  static Result<std::unique_ptr<KafkaStatusPublisher>> Create(
      const std::map<std::string, std::string>& properties, const std::string& topic);
  ~KafkaStatusPublisher();

  /// Queues `value` under `key`. Returns kUnavailable with the reason when a record queued
  /// earlier could not be delivered (once per failure) or the queue is full.
  Status Publish(const std::string& key, const std::string& value);

 private:
  KafkaStatusPublisher(RdKafkaHandle producer, std::string topic)
      : producer_(std::move(producer)), topic_(std::move(topic)) {}
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);

  RdKafkaHandle producer_;
  std::string topic_;
  bool topic_checked_ = false;  // the Publish thread only
  std::mutex mu_;
  std::string delivery_error_;  // guarded by mu_; set by librdkafka's thread, taken by Publish
};

}  // namespace sluice::connectors
