#include "cli/status_topic.h"

#include "connectors/kafka/kafka_client_config.h"

namespace sluice::cli {

std::optional<StatusTopic> StatusTopicOf(const sql::PipelinePlan& plan,
                                         const runtime::PipelineOptions& options) {
  if (options.status_topic.empty()) return std::nullopt;
  for (const auto& [name, table] : plan.tables) {
    if (table->option("connector") != "kafka" || table->option("properties.group.id").empty()) {
      continue;
    }
    StatusTopic out;
    out.topic = options.status_topic;
    out.table = name;
    out.properties = connectors::KafkaClientConfig::ConnectionProperties(table->options);
    return out;
  }
  return std::nullopt;
}

}  // namespace sluice::cli
