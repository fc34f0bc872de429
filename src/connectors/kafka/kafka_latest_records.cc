#include "connectors/kafka/kafka_latest_records.h"

#include <fmt/format.h>

#include <chrono>

#include "connectors/kafka/kafka_client_config.h"
#include "connectors/kafka/kafka_topic_creator.h"

namespace sluice::connectors {
namespace {

struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};

// The offset each partition of `topic` ends at now (its high watermark), by partition.
Result<std::vector<int64_t>> EndOffsets(rd_kafka_t* rk, const std::string& topic, int partitions,
                                        int timeout_ms) {
  std::vector<int64_t> ends(partitions, 0);
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &ends[p], timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable(
          fmt::format("kafka topic '{}' partition {}: {}", topic, p, rd_kafka_err2str(err)));
    }
  }
  return ends;
}

}  // namespace

Result<std::vector<KafkaKeyedRecord>> KafkaLatestRecords::Read(
    const std::map<std::string, std::string>& properties, const std::string& topic,
    int timeout_ms) {
  ASSIGN_OR_RETURN(RdKafkaConf conf,
                   KafkaClientConfig::Build(properties, {{"group.id", "sluice-latest-records"},
                                                         {"enable.auto.commit", "false"},
                                                         {"enable.partition.eof", "true"}}));
  ASSIGN_OR_RETURN(RdKafkaHandle rk,
                   KafkaClientConfig::CreateClient(RD_KAFKA_CONSUMER, std::move(conf)));
  ASSIGN_OR_RETURN(int partitions, KafkaTopicCreator::PartitionCount(rk.get(), topic));
  if (partitions == 0) {
    return Status::NotFound(fmt::format("kafka topic '{}' does not exist", topic));
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> ends, EndOffsets(rk.get(), topic, partitions, timeout_ms));
  RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(partitions));
  int open = 0;
  std::vector<bool> done(partitions, true);
  for (int p = 0; p < partitions; ++p) {
    if (ends[p] == 0) continue;
    done[p] = false;
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
    ++open;
  }
  std::map<std::string, KafkaKeyedRecord> latest;
  if (open > 0) rd_kafka_assign(rk.get(), list.get());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (open > 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      rd_kafka_assign(rk.get(), nullptr);
      return Status::Unavailable(
          fmt::format("kafka topic '{}': not read to its end within {} ms", topic, timeout_ms));
    }
    std::unique_ptr<rd_kafka_message_t, MessageDeleter> m(rd_kafka_consumer_poll(rk.get(), 100));
    if (!m) continue;
    const int p = m->partition;
    auto reached = [&](int64_t next) {
      if (done[p] || next < ends[p]) return;
      done[p] = true;
      --open;
    };
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      reached(m->offset);
      continue;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_assign(rk.get(), nullptr);
      return Status::Unavailable(
          fmt::format("kafka topic '{}': {}", topic, rd_kafka_message_errstr(m.get())));
    }
    reached(m->offset + 1);
    if (m->key == nullptr) continue;
    std::string key(static_cast<const char*>(m->key), m->key_len);
    if (m->payload == nullptr) {  // a tombstone deletes the key
      latest.erase(key);
      continue;
    }
    KafkaKeyedRecord& record = latest[key];
    record.key = key;
    record.value.assign(static_cast<const char*>(m->payload), m->len);
    record.timestamp_ms = rd_kafka_message_timestamp(m.get(), nullptr);
  }
  rd_kafka_assign(rk.get(), nullptr);
  std::vector<KafkaKeyedRecord> out;
  for (auto& [key, record] : latest) out.push_back(std::move(record));
  return out;
}

}  // namespace sluice::connectors
