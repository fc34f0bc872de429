#include "connectors/kafka/kafka_client_config.h"

#include <fmt/format.h>

namespace sluice::connectors {

std::map<std::string, std::string> KafkaClientConfig::Properties(
    const std::map<std::string, std::string>& options) {
  static const std::string kPrefix = "properties.";
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : options) {
    if (key.size() > kPrefix.size() && key.compare(0, kPrefix.size(), kPrefix) == 0) {
      out[key.substr(kPrefix.size())] = value;
    }
  }
  return out;
}

std::map<std::string, std::string> KafkaClientConfig::ConnectionProperties(
    const std::map<std::string, std::string>& options) {
  static const char* const kPrefixes[] = {
      "bootstrap.servers", "metadata.broker.list", "security.",  "sasl.", "ssl.", "socket.",
      "broker.",           "client.dns.",          "api.version"};
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : Properties(options)) {
    for (const char* prefix : kPrefixes) {
      if (key.rfind(prefix, 0) == 0) out[key] = value;
    }
  }
  return out;
}

std::map<std::string, std::string> KafkaClientConfig::WithoutConsumerProperties(
    std::map<std::string, std::string> properties) {
  static const char* const kConsumerOnly[] = {"group.id",
                                              "group.instance.id",
                                              "partition.assignment.strategy",
                                              "session.timeout.ms",
                                              "heartbeat.interval.ms",
                                              "group.protocol.type",
                                              "max.poll.interval.ms",
                                              "enable.auto.commit",
                                              "auto.commit.interval.ms",
                                              "enable.auto.offset.store",
                                              "queued.min.messages",
                                              "queued.max.messages.kbytes",
                                              "fetch.wait.max.ms",
                                              "fetch.message.max.bytes",
                                              "max.partition.fetch.bytes",
                                              "fetch.max.bytes",
                                              "fetch.min.bytes",
                                              "fetch.error.backoff.ms",
                                              "isolation.level",
                                              "enable.partition.eof",
                                              "check.crcs",
                                              "auto.offset.reset",
                                              "coordinator.query.interval.ms",
                                              "consume.callback.max.messages"};
  for (const char* key : kConsumerOnly) properties.erase(key);
  return properties;
}

Result<RdKafkaConf> KafkaClientConfig::Build(const std::map<std::string, std::string>& properties,
                                             const std::map<std::string, std::string>& overrides) {
  RdKafkaConf conf(rd_kafka_conf_new());
  char error[512];
  for (const auto* map : {&properties, &overrides}) {
    for (const auto& [key, value] : *map) {
      if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), error, sizeof(error)) !=
          RD_KAFKA_CONF_OK) {
        return Status::InvalidArgument(
            fmt::format("kafka property '{}' = '{}': {}", key, value, error));
      }
    }
  }
  return conf;
}

Result<RdKafkaHandle> KafkaClientConfig::CreateClient(rd_kafka_type_t type, RdKafkaConf conf) {
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), error, sizeof(error));
  if (rk == nullptr) {
    return Status::InvalidArgument(fmt::format("cannot create kafka client: {}", error));
  }
  conf.release();  // owned by the client now
  return RdKafkaHandle(rk);
}

}  // namespace sluice::connectors
