#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_client_config.h"
#include "connectors/kafka/mock_cluster.h"

namespace sluice::connectors {

/// A message as a test consumer read it back.
struct ReadBackMessage {
  int32_t partition;
  int64_t offset;
  std::string key;
  std::string value;
};

/// An in-process development broker for one test, with a plain producer and a read-back
/// consumer that use librdkafka directly (independent of the code under test).
class KafkaTestBroker {
 public:
  KafkaTestBroker() {
    EXPECT_TRUE(cluster_.Start().ok());
    auto conf = KafkaClientConfig::Build({{"bootstrap.servers", cluster_.bootstraps()}}, {});
    auto producer = KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(*conf));
    producer_ = std::move(*producer);
  }

  MockCluster& cluster() { return cluster_; }
  std::string bootstraps() const { return cluster_.bootstraps(); }

  /// Produces `value` to `topic`/`partition` with `key` and (if not 0) `timestamp_ms`.
  void Produce(const std::string& topic, int32_t partition, const std::string& key,
               const std::string& value, int64_t timestamp_ms = 0) {
    rd_kafka_resp_err_t err =
        rd_kafka_producev(producer_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                          RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                          RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_END);
    ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void Flush() { ASSERT_EQ(rd_kafka_flush(producer_.get(), 10'000), RD_KAFKA_RESP_ERR_NO_ERROR); }

  /// Reads `count` messages of `topic` partitions 0..partitions-1 from the beginning (waiting at
  /// most `wait_seconds`); fails the test on any consumer error, offset resets included.
  std::vector<ReadBackMessage> ReadBack(const std::string& topic, int partitions, size_t count,
                                        int wait_seconds = 10) {
    auto conf = KafkaClientConfig::Build({{"bootstrap.servers", bootstraps()},
                                          {"group.id", "read-back"},
                                          {"auto.offset.reset", "error"},
                                          {"enable.partition.eof", "false"}},
                                         {});
    auto consumer = KafkaClientConfig::CreateClient(RD_KAFKA_CONSUMER, std::move(*conf));
    rd_kafka_t* rk = consumer->get();
    RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(rk, list.get());
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
  RdKafkaHandle producer_;
};

}  // namespace sluice::connectors
