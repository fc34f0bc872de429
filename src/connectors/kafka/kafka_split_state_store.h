#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/kafka/kafka_client_config.h"

namespace sluice::connectors {

/// The latest state of each split of a repartitioned pipeline's internal topic, kept in a keyed
/// (compacted where the cluster lets us create it so) Kafka topic, so that the process a split
/// moves to restores what its previous owner held (runtime/README.md, "Repartitioning"). A
/// record's key names the split ("<topic>:<partition>"); its value is the offset of the split the
/// state corresponds to (after its last row), a newline, and the state. Single-threaded.
class KafkaSplitStateStore {
 public:
  /// One split's stored state.
  struct Entry {
    int64_t offset = -1;  // the split's offset the state is at (after its last row)
    std::string state;
  };

  /// Connects with the cluster settings of `properties` (KafkaClientConfig::ConnectionProperties)
  /// and creates `topic`, compacted, when the cluster lacks it and lets us.
  static Result<std::unique_ptr<KafkaSplitStateStore>> Create(
      const std::map<std::string, std::string>& properties, const std::string& topic);
  ~KafkaSplitStateStore();

  /// Writes the state of each key of `entries` and waits until the cluster acknowledged all of
  /// them; kUnavailable when it did not.
  Status Store(const std::map<std::string, Entry>& entries);
  /// Returns the latest stored entry of each key (none when the topic does not exist yet).
  Result<std::map<std::string, Entry>> Load();

  const std::string& topic() const { return topic_; }

 private:
  KafkaSplitStateStore(std::map<std::string, std::string> properties, RdKafkaHandle producer,
                       std::string topic)
      : properties_(std::move(properties)),
        producer_(std::move(producer)),
        topic_(std::move(topic)) {}
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);

  std::map<std::string, std::string> properties_;
  RdKafkaHandle producer_;
  std::string topic_;
  int failed_ = 0;  // deliveries of the current Store that failed (librdkafka's callback, in Flush)
  std::string error_;
};

}  // namespace sluice::connectors
