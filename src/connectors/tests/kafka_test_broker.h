#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_client_config.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/tests/kafka_test_producer.h"

namespace sluice::connectors {

/// A message as a test consumer read it back.
struct ReadBackMessage {
  int32_t partition;
  int64_t offset;
  std::string key;
  std::string value;
};

/// An in-process development broker for one test, with a plain producer (KafkaTestProducer) and
/// a read-back consumer that use librdkafka directly (independent of the code under test).
class KafkaTestBroker {
 public:
  /// Starts a cluster of `brokers` brokers.
  explicit KafkaTestBroker(int brokers = 1) {
    EXPECT_TRUE(cluster_.Start(brokers).ok());
    producer_.emplace(cluster_.bootstraps());
  }

  MockCluster& cluster() { return cluster_; }
  std::string bootstraps() const { return cluster_.bootstraps(); }

  /// Produces `value` to `topic`/`partition` with `key` and (if not 0) `timestamp_ms`.
  void Produce(const std::string& topic, int32_t partition, const std::string& key,
               const std::string& value, int64_t timestamp_ms = 0) {
    producer_->ProduceMessage(topic, partition, key, value, timestamp_ms, {});
  }
  /// Produces `value` to `topic`/`partition` with `headers` (name, value; a value "<null>" is a
  /// header without value).
  void ProduceWithHeaders(const std::string& topic, int32_t partition, const std::string& value,
                          const std::vector<std::pair<std::string, std::string>>& headers) {
    producer_->ProduceMessage(topic, partition, std::nullopt, value, 0, headers);
  }
  void Flush() { producer_->Flush(); }

  /// Reads `count` messages of `topic` partitions 0..partitions-1 from the beginning (waiting at
  /// most `wait_seconds`); fails the test on any consumer error, offset resets included.
  std::vector<ReadBackMessage> ReadBack(const std::string& topic, int partitions, size_t count,
                                        int wait_seconds = 10) {
    RdKafkaHandle consumer = AssignedConsumer(topic, partitions,
                                              {{"group.id", "read-back"},
                                               {"auto.offset.reset", "error"},
                                               {"enable.partition.eof", "false"}});
    rd_kafka_t* rk = consumer.get();
    std::vector<ReadBackMessage> out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
    while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
      if (m == nullptr) continue;
      if (m->err) {
        ADD_FAILURE() << rd_kafka_message_errstr(m);
      } else {
        out.push_back({m->partition, m->offset,
                       std::string(static_cast<const char*>(m->key), m->key ? m->key_len : 0),
                       std::string(static_cast<const char*>(m->payload), m->len)});
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    return out;
  }

  /// Reads `topic` partitions 0..partitions-1 from the beginning to their end as a consumer with
  /// `isolation` (read_committed or read_uncommitted) sees it; fails the test on any error.
  std::vector<ReadBackMessage> ReadToEnd(const std::string& topic, int partitions,
                                         const std::string& isolation = "read_committed") {
    RdKafkaHandle consumer = AssignedConsumer(topic, partitions,
                                              {{"group.id", "read-to-end"},
                                               {"isolation.level", isolation},
                                               {"enable.partition.eof", "true"}});
    rd_kafka_t* rk = consumer.get();
    std::vector<ReadBackMessage> out;
    int at_end = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (at_end < partitions && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        ++at_end;
      } else if (m->err) {
        ADD_FAILURE() << rd_kafka_message_errstr(m);
      } else {
        out.push_back({m->partition, m->offset,
                       std::string(static_cast<const char*>(m->key), m->key ? m->key_len : 0),
                       std::string(static_cast<const char*>(m->payload), m->len)});
      }
      rd_kafka_message_destroy(m);
    }
    EXPECT_EQ(at_end, partitions) << "not every partition of " << topic << " read to its end";
    rd_kafka_consumer_close(rk);
    return out;
  }

  /// Returns a consumer with `properties` assigned partitions 0..partitions-1 of `topic` from
  /// their beginning.
  RdKafkaHandle AssignedConsumer(const std::string& topic, int partitions,
                                 std::map<std::string, std::string> properties) {
    properties["bootstrap.servers"] = bootstraps();
    auto conf = KafkaClientConfig::Build(properties, {});
    auto consumer = KafkaClientConfig::CreateClient(RD_KAFKA_CONSUMER, std::move(*conf));
    RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(consumer->get(), list.get());
    return std::move(*consumer);
  }

  /// Returns the offset group `group` committed for `topic`/`partition` (negative: none).
  int64_t Committed(const std::string& group, const std::string& topic, int32_t partition) {
    auto conf =
        KafkaClientConfig::Build({{"bootstrap.servers", bootstraps()}, {"group.id", group}}, {});
    auto consumer = KafkaClientConfig::CreateClient(RD_KAFKA_CONSUMER, std::move(*conf));
    RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
    EXPECT_EQ(rd_kafka_committed(consumer->get(), list.get(), 10'000), RD_KAFKA_RESP_ERR_NO_ERROR);
    int64_t offset = list->elems[0].offset;
    rd_kafka_consumer_close(consumer->get());
    return offset;
  }

 private:
  MockCluster cluster_;
  std::optional<KafkaTestProducer> producer_;
};

}  // namespace sluice::connectors
