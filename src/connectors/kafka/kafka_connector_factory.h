#pragma once

#include <memory>

#include "common/status.h"
#include "runtime/connector_registry.h"

namespace sluice::connectors {

/// Creates the 'kafka' connector's readers and writers from a table's WITH options (Flink's
/// names: topic, properties.*, scan.startup.*, format / value.format, key.fields,
/// sink.partitioner). Stateless.
class KafkaConnectorFactory {
 public:
  static Result<std::unique_ptr<runtime::SourceReader>> CreateSource(
      const runtime::SourceContext& context);
  static Result<std::unique_ptr<runtime::SinkWriter>> CreateSink(
      const runtime::SinkContext& context);
};

}  // namespace sluice::connectors
