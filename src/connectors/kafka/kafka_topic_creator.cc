#include "connectors/kafka/kafka_topic_creator.h"

#include <fmt/format.h>

#include <memory>
#include <utility>

#include "common/logging.h"

namespace sluice::connectors {
namespace {

constexpr int kTimeoutMs = 10'000;
// A compacted topic of ours is created at a process's start: a cluster that cannot create topics
// on request (no controller, as the development broker) must not hold the start for long.
constexpr int kCompactedTimeoutMs = 2'000;

}  // namespace

Result<int> KafkaTopicCreator::PartitionCount(rd_kafka_t* client, const std::string& topic) {
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(client, /*all_topics=*/1, nullptr, &metadata, kTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(
        fmt::format("kafka: cannot read the cluster's topics: {}", rd_kafka_err2str(err)));
  }
  int count = 0;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    if (topic == metadata->topics[i].topic && metadata->topics[i].err == 0) {
      count = metadata->topics[i].partition_cnt;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  return count;
}

Status KafkaTopicCreator::Create(rd_kafka_t* client, const std::string& topic, int partitions,
                                 const std::pair<const char*, const char*>& config,
                                 int timeout_ms) {
  char error[256] = {0};
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, -1, error, sizeof(error));
  if (new_topic == nullptr) {
    return Status::InvalidArgument(fmt::format("kafka topic '{}': {}", topic, error));
  }
  rd_kafka_NewTopic_set_config(new_topic, config.first, config.second);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client);
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(client, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, error, sizeof(error));
  rd_kafka_CreateTopics(client, &new_topic, 1, options, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, timeout_ms + 5'000);
  Status status = Status::Ok();
  if (event == nullptr) {
    status = Status::Unavailable(fmt::format("kafka topic '{}': creation timed out", topic));
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = Status::Unavailable(fmt::format("kafka topic '{}': cannot create it: {}", topic,
                                             rd_kafka_event_error_string(event)));
  } else {
    size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    for (size_t i = 0; i < count; ++i) {
      rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        const char* message = rd_kafka_topic_result_error_string(results[i]);
        status = Status::Unavailable(fmt::format("kafka topic '{}': cannot create it: {}", topic,
                                                 message ? message : rd_kafka_err2str(err)));
      }
    }
  }
  if (event != nullptr) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(new_topic);
  return status;
}

Status KafkaTopicCreator::Ensure(rd_kafka_t* client, const std::string& topic, int partitions,
                                 const std::string& partitions_from) {
  ASSIGN_OR_RETURN(int existing, PartitionCount(client, topic));
  if (existing > 0) return Status::Ok();
  if (partitions <= 0) {
    ASSIGN_OR_RETURN(partitions, PartitionCount(client, partitions_from));
    if (partitions <= 0) {
      return Status::Unavailable(fmt::format(
          "kafka topic '{}': cannot take its partition count from topic '{}', which the cluster "
          "does not have",
          topic, partitions_from));
    }
  }
  RETURN_IF_ERROR(Create(client, topic, partitions, {"retention.ms", "-1"}, kTimeoutMs));
  LogInfo("kafka: created topic '{}' with {} partition(s), retention unlimited", topic, partitions);
  return Status::Ok();
}

Status KafkaTopicCreator::EnsureCompacted(rd_kafka_t* client, const std::string& topic) {
  ASSIGN_OR_RETURN(int existing, PartitionCount(client, topic));
  if (existing > 0) return Status::Ok();
  RETURN_IF_ERROR(Create(client, topic, 1, {"cleanup.policy", "compact"}, kCompactedTimeoutMs));
  LogInfo("kafka: created topic '{}', compacted", topic);
  return Status::Ok();
}

}  // namespace sluice::connectors
