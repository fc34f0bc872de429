#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

#include "common/status.h"

namespace sluice::connectors {

/// Deleters so that librdkafka handles are owned by std::unique_ptr.
struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using RdKafkaHandle = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;
using RdKafkaConf = std::unique_ptr<rd_kafka_conf_t, RdKafkaDeleter>;
using RdKafkaPartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, RdKafkaDeleter>;

/// Builds librdkafka client configurations from a table's WITH options: every
/// 'properties.<key>' option becomes librdkafka property <key> (so TLS and SASL settings pass
/// through), then `overrides` are applied on top. Stateless.
class KafkaClientConfig {
 public:
  /// Returns the 'properties.*' options of `options` without their prefix.
  static std::map<std::string, std::string> Properties(
      const std::map<std::string, std::string>& options);

  /// Returns the 'properties.*' options of `options` that say how to reach and authenticate with
  /// the cluster (bootstrap servers, security, SASL, TLS, sockets), without their prefix: for a
  /// client of the pipeline's own (the status topic) that must not act as the table's consumer.
  static std::map<std::string, std::string> ConnectionProperties(
      const std::map<std::string, std::string>& options);

  /// Returns `properties` without librdkafka's consumer-only ones (group.id, session.timeout.ms,
  /// auto.offset.reset, isolation.level, ...): for a producer built from a table that is also
  /// read in a consumer group (a repartition topic), which would otherwise log a warning for each.
  static std::map<std::string, std::string> WithoutConsumerProperties(
      std::map<std::string, std::string> properties);

  /// Returns a configuration with `properties`, then `overrides`, set; an unknown property or a
  /// bad value is kInvalidArgument naming it.
  static Result<RdKafkaConf> Build(const std::map<std::string, std::string>& properties,
                                   const std::map<std::string, std::string>& overrides);

  /// Creates a client of `type` from `conf` (consumed on success and on failure).
  static Result<RdKafkaHandle> CreateClient(rd_kafka_type_t type, RdKafkaConf conf);
};

}  // namespace sluice::connectors
