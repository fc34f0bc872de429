#include "connectors/kafka/mock_cluster.h"

#include <fmt/format.h>

namespace sluice::connectors {

MockCluster::~MockCluster() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
}

Status MockCluster::Start(int brokers) {
  if (cluster_ != nullptr) return Status::Internal("mock cluster already started");
  ASSIGN_OR_RETURN(RdKafkaConf conf, KafkaClientConfig::Build({}, {{"log_level", "3"}}));
  ASSIGN_OR_RETURN(handle_, KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(conf)));
  cluster_ = rd_kafka_mock_cluster_new(handle_.get(), brokers);
  if (cluster_ == nullptr) return Status::Unavailable("cannot start the kafka mock cluster");
  return Status::Ok();
}

Status MockCluster::CreateTopic(const std::string& topic, int partitions) {
  if (cluster_ == nullptr) return Status::Internal("mock cluster not started");
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::InvalidArgument(
        fmt::format("cannot create topic '{}': {}", topic, rd_kafka_err2str(err)));
  }
  return Status::Ok();
}

std::string MockCluster::bootstraps() const {
  return cluster_ == nullptr ? "" : rd_kafka_mock_cluster_bootstraps(cluster_);
}

}  // namespace sluice::connectors
