#pragma once

#include <map>
#include <optional>
#include <string>

#include "runtime/pipeline_options.h"
#include "sql/logical_plan.h"

namespace sluice::cli {

/// Where the processes of a pipeline publish their status (cli/status_reporter.h) and where
/// `sluice status` reads it.
struct StatusTopic {
  std::string topic;                              // 'pipeline.status-topic'
  std::string table;                              // the Kafka table whose cluster holds it
  std::map<std::string, std::string> properties;  // how to reach that cluster
};

/// Returns the pipeline's status topic: on the cluster of its first Kafka table read in a
/// consumer group ('properties.group.id' set: the tables several processes share), or nullopt
/// when it has none or 'pipeline.status-topic' = 'none'.
std::optional<StatusTopic> StatusTopicOf(const sql::PipelinePlan& plan,
                                         const runtime::PipelineOptions& options);

}  // namespace sluice::cli
