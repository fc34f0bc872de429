#include "runtime/connector_registry.h"

#include <fmt/format.h>

namespace sluice::runtime {

std::string SinkContext::epoch_scope() const {
  return run_id.empty() ? pipeline_name : pipeline_name + "@" + run_id;
}
namespace {

template <typename Map>
std::string KnownNames(const Map& map) {
  std::string s;
  for (const auto& [name, factory] : map) {
    if (!s.empty()) s += ", ";
    s += "'" + name + "'";
  }
  return s;
}

}  // namespace

void ConnectorRegistry::RegisterSource(const std::string& connector, SourceFactory factory) {
  sources_[connector] = std::move(factory);
}

void ConnectorRegistry::RegisterSink(const std::string& connector, SinkFactory factory) {
  sinks_[connector] = std::move(factory);
}

Result<std::unique_ptr<SourceReader>> ConnectorRegistry::CreateSource(
    const SourceContext& context) const {
  std::string connector = context.table->option("connector");
  auto it = sources_.find(connector);
  if (it == sources_.end()) {
    return Status::InvalidArgument(fmt::format(
        "table '{}': {} 'connector' = '{}' cannot be read; sources: {}", context.table->name,
        connector.empty() ? "missing option" : "option", connector, KnownNames(sources_)));
  }
  auto reader = it->second(context);
  if (!reader.ok()) return reader.status().WithContext("table '" + context.table->name + "'");
  return reader;
}

Result<std::unique_ptr<SinkWriter>> ConnectorRegistry::CreateSink(
    const SinkContext& context) const {
  std::string connector = context.table ? context.table->option("connector") : "print";
  auto it = sinks_.find(connector);
  if (it == sinks_.end()) {
    return Status::InvalidArgument(fmt::format(
        "table '{}': {} 'connector' = '{}' cannot be written; sinks: {}", context.sink_name,
        connector.empty() ? "missing option" : "option", connector, KnownNames(sinks_)));
  }
  auto writer = it->second(context);
  if (!writer.ok()) return writer.status().WithContext("table '" + context.sink_name + "'");
  return writer;
}

}  // namespace sluice::runtime
