#include "connectors/kafka/paced_producer.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "common/wall_clock.h"
#include "connectors/kafka/kafka_client_config.h"

namespace sluice::connectors {
namespace {

Status Send(rd_kafka_t* producer, const std::string& topic, const std::string& message) {
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(const_cast<char*>(message.data()), message.size()), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return Status::Unavailable(fmt::format("topic '{}': {}", topic, rd_kafka_err2str(err)));
    }
    rd_kafka_poll(producer, 100);
  }
}

}  // namespace

Result<int64_t> PacedProducer::Run(const std::string& brokers, const std::string& topic,
                                   double rate, const NextMessage& next,
                                   const std::atomic<bool>& stop) {
  ASSIGN_OR_RETURN(RdKafkaConf conf, KafkaClientConfig::Build({{"bootstrap.servers", brokers}},
                                                              {{"enable.idempotence", "true"}}));
  ASSIGN_OR_RETURN(RdKafkaHandle producer,
                   KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(conf)));
  const auto start = std::chrono::steady_clock::now();
  int64_t sent = 0;
  std::string message;
  while (!stop.load()) {
    if (rate > 0) {
      std::this_thread::sleep_until(
          start + std::chrono::microseconds(static_cast<int64_t>(sent * 1e6 / rate)));
    }
    if (!next(WallClockMillis(), &message)) break;
    RETURN_IF_ERROR(Send(producer.get(), topic, message));
    ++sent;
    rd_kafka_poll(producer.get(), 0);
  }
  if (rd_kafka_flush(producer.get(), 30'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(fmt::format("topic '{}': {} message(s) undelivered", topic,
                                           rd_kafka_outq_len(producer.get())));
  }
  return sent;
}

}  // namespace sluice::connectors
