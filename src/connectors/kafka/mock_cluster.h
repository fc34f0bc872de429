#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>

#include "common/status.h"
#include "connectors/kafka/kafka_client_config.h"

namespace sluice::connectors {

/// The development broker: librdkafka's in-memory mock cluster, serving the Kafka protocol on
/// 127.0.0.1 (ports chosen by the system; librdkafka 2.0 cannot bind a given port). Messages
/// live in memory; each partition retains about 5 MB. For development and tests only.
/// Lifecycle: Start, CreateTopic as needed; the cluster stops when the object is destroyed.
/// Thread-safe as librdkafka's mock API is (it runs on its own thread).
class MockCluster {
 public:
  MockCluster() = default;
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  /// Starts a cluster of `brokers` brokers.
  Status Start(int brokers = 1);
  /// Creates `topic` with `partitions` partitions (replication factor 1).
  Status CreateTopic(const std::string& topic, int partitions);
  /// Returns the bootstrap servers, e.g. "127.0.0.1:41233".
  std::string bootstraps() const;
  /// Returns the underlying cluster, for error injection in tests.
  rd_kafka_mock_cluster_t* cluster() const { return cluster_; }

 private:
  RdKafkaHandle handle_;  // the producer instance that owns the cluster
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace sluice::connectors
