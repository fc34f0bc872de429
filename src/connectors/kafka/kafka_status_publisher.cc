#include "connectors/kafka/kafka_status_publisher.h"

#include <fmt/format.h>

#include "common/logging.h"
#include "connectors/kafka/kafka_topic_creator.h"

namespace sluice::connectors {

Result<std::unique_ptr<KafkaStatusPublisher>> KafkaStatusPublisher::Create(
    const std::map<std::string, std::string>& properties, const std::string& topic) {
  ASSIGN_OR_RETURN(RdKafkaConf conf,
                   KafkaClientConfig::Build(properties, {{"linger.ms", "50"},
                                                         {"message.timeout.ms", "10000"},
                                                         {"queue.buffering.max.messages", "100"},
                                                         {"acks", "1"}}));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaStatusPublisher::OnDelivery);
  ASSIGN_OR_RETURN(RdKafkaHandle producer,
                   KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(conf)));
  std::unique_ptr<KafkaStatusPublisher> publisher(
      new KafkaStatusPublisher(std::move(producer), topic));
  return publisher;
}

KafkaStatusPublisher::~KafkaStatusPublisher() { rd_kafka_flush(producer_.get(), 2000); }

void KafkaStatusPublisher::OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message,
                                      void* /*opaque*/) {
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  auto* self = static_cast<KafkaStatusPublisher*>(message->_private);  // RD_KAFKA_V_OPAQUE
  std::lock_guard<std::mutex> lock(self->mu_);
  self->delivery_error_ = rd_kafka_err2str(message->err);
}

Status KafkaStatusPublisher::Publish(const std::string& key, const std::string& value) {
  if (!topic_checked_) {
    topic_checked_ = true;
    Status created = KafkaTopicCreator::EnsureCompacted(producer_.get(), topic_);
    if (!created.ok()) {
      LogInfo("status topic '{}': {}; left to the broker's auto-creation", topic_,
              created.message());
    }
  }
  rd_kafka_poll(producer_.get(), 0);  // serves delivery reports
  rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_.get(), RD_KAFKA_V_TOPIC(topic_.c_str()),
      RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(this), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(
        fmt::format("status topic '{}': cannot queue a record: {}", topic_, rd_kafka_err2str(err)));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (delivery_error_.empty()) return Status::Ok();
  Status failed = Status::Unavailable(
      fmt::format("status topic '{}': a record was not delivered: {}", topic_, delivery_error_));
  delivery_error_.clear();
  return failed;
}

}  // namespace sluice::connectors
