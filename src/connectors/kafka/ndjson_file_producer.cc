#include "connectors/kafka/ndjson_file_producer.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "connectors/kafka/kafka_client_config.h"

namespace sluice::connectors {

Result<int64_t> NdjsonFileProducer::Run(const std::string& brokers, const std::string& topic,
                                        const std::string& path, double rate,
                                        const std::atomic<bool>& stop) {
  std::ifstream in(path);
  if (!in) return Status::IoError(fmt::format("cannot open '{}'", path));
  ASSIGN_OR_RETURN(RdKafkaConf conf, KafkaClientConfig::Build({{"bootstrap.servers", brokers}},
                                                              {{"enable.idempotence", "true"}}));
  ASSIGN_OR_RETURN(RdKafkaHandle producer,
                   KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(conf)));
  const auto start = std::chrono::steady_clock::now();
  int64_t sent = 0;
  std::string line;
  while (!stop.load() && std::getline(in, line)) {
    if (line.empty()) continue;
    if (rate > 0) {
      std::this_thread::sleep_until(
          start + std::chrono::microseconds(static_cast<int64_t>(sent * 1e6 / rate)));
    }
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_VALUE(line.data(), line.size()), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        return Status::Unavailable(fmt::format("topic '{}': {}", topic, rd_kafka_err2str(err)));
      }
      rd_kafka_poll(producer.get(), 100);
    }
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
