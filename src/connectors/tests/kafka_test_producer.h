#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/kafka/kafka_client_config.h"

namespace sluice::connectors {

/// A plain librdkafka producer for tests, independent of the code under test. Each call fails
/// the test (gtest assertions) when librdkafka refuses the message.
class KafkaTestProducer {
 public:
  /// Connects to `bootstraps`, with further librdkafka `properties` (e.g. message.max.bytes).
  explicit KafkaTestProducer(const std::string& bootstraps,
                             std::map<std::string, std::string> properties = {}) {
    properties["bootstrap.servers"] = bootstraps;
    auto conf = KafkaClientConfig::Build(properties, {});
    EXPECT_TRUE(conf.ok()) << conf.status().message();
    if (!conf.ok()) return;
    auto producer = KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(*conf));
    EXPECT_TRUE(producer.ok()) << producer.status().message();
    if (producer.ok()) producer_ = std::move(*producer);
  }

  /// Produces `value` without a key to `topic`/`partition`.
  void Produce(const std::string& topic, int32_t partition, const std::string& value) {
    ProduceMessage(topic, partition, std::nullopt, value, 0, {});
  }
  /// Produces `value` to `topic`/`partition` with `key` (nullopt: none), `timestamp_ms` (0: the
  /// producer's clock) and `headers` (name, value; a value "<null>" is a header without value).
  void ProduceMessage(const std::string& topic, int32_t partition,
                      const std::optional<std::string>& key, const std::string& value,
                      int64_t timestamp_ms,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
    ASSERT_NE(producer_.get(), nullptr);
    rd_kafka_headers_t* list = headers.empty() ? nullptr : rd_kafka_headers_new(headers.size());
    for (const auto& [name, v] : headers) {
      const bool null = v == "<null>";
      rd_kafka_header_add(list, name.data(), static_cast<ssize_t>(name.size()),
                          null ? nullptr : v.data(), null ? 0 : static_cast<ssize_t>(v.size()));
    }
    void* key_data = key ? const_cast<char*>(key->data()) : nullptr;
    const size_t key_size = key ? key->size() : 0;
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key_data, key_size),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_HEADERS(list), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && list != nullptr) rd_kafka_headers_destroy(list);
    ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
  }
  /// Waits until every message produced so far is delivered.
  void Flush() {
    ASSERT_NE(producer_.get(), nullptr);
    ASSERT_EQ(rd_kafka_flush(producer_.get(), 20'000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

 private:
  RdKafkaHandle producer_;
};

}  // namespace sluice::connectors
