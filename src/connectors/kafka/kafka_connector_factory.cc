#include "connectors/kafka/kafka_connector_factory.h"

#include <fmt/format.h>

#include "connectors/formats/format_factory.h"
#include "connectors/kafka/kafka_sink.h"
#include "connectors/kafka/kafka_source.h"

namespace sluice::connectors {
namespace {

// The options with 'value.format' (and 'value.<format>.*') seen as 'format' ('<format>.*').
std::map<std::string, std::string> ValueFormatOptions(std::map<std::string, std::string> options) {
  auto it = options.find("value.format");
  if (it == options.end()) return options;
  const std::string format = it->second;
  options["format"] = format;
  const std::string prefix = "value." + format + ".";
  std::map<std::string, std::string> copy = options;
  for (const auto& [key, value] : copy) {
    if (key.rfind(prefix, 0) == 0) options[key.substr(6)] = value;
  }
  return options;
}

}  // namespace

Result<std::unique_ptr<runtime::SourceReader>> KafkaConnectorFactory::CreateSource(
    const runtime::SourceContext& context) {
  const auto options = ValueFormatOptions(context.table->options);
  ASSIGN_OR_RETURN(KafkaSource::Options kafka, KafkaSource::ParseOptions(options));
  // Stored columns in declaration order; the decoder sees only physical ones.
  std::vector<const sql::CatalogColumn*> stored;
  std::vector<size_t> physical_position;
  size_t num_physical = 0;
  for (const auto& c : context.table->columns) {
    if (c.kind == sql::ColumnKind::kComputed) continue;
    stored.push_back(&c);
    physical_position.push_back(c.kind == sql::ColumnKind::kPhysical ? num_physical++ : 0);
  }
  std::vector<KafkaSource::MetadataColumn> metadata;
  auto physical_schema = std::make_shared<Schema>();
  std::vector<size_t> physical_columns;
  std::vector<std::string> format_metadata_keys;  // per decoded field: filled by the format
  for (size_t i = 0; i < context.decoded_schema->size(); ++i) {
    size_t s = context.decoded_columns.empty() ? i : context.decoded_columns[i];
    if (s >= stored.size()) return Status::Internal("decoded column out of range");
    std::string key = stored[s]->metadata_key.empty() ? stored[s]->name : stored[s]->metadata_key;
    const bool format_metadata = stored[s]->kind == sql::ColumnKind::kMetadata &&
                                 FormatFactory::IsFormatMetadataKey(options, key);
    if (stored[s]->kind == sql::ColumnKind::kMetadata && !format_metadata) {
      ASSIGN_OR_RETURN(KafkaSource::MetadataKey k, KafkaSource::ParseMetadataKey(key));
      metadata.push_back({i, k});
      continue;
    }
    physical_schema->Add(context.decoded_schema->field(i));
    physical_columns.push_back(physical_position[s]);
    format_metadata_keys.push_back(format_metadata ? key : std::string());
  }
  std::unique_ptr<runtime::RecordDecoder> decoder;
  if (kafka.raw_format) {
    if (num_physical != 1 ||
        (physical_schema->size() == 1 && physical_schema->field(0).type.id != TypeId::kString)) {
      return Status::InvalidArgument(
          "format 'raw' needs exactly one physical column, of type STRING");
    }
  } else {
    ASSIGN_OR_RETURN(decoder,
                     FormatFactory::CreateDecoder(options, physical_schema, physical_columns,
                                                  num_physical, format_metadata_keys));
  }
  return std::unique_ptr<runtime::SourceReader>(
      std::make_unique<KafkaSource>(context.table->name, std::move(kafka), context.decoded_schema,
                                    std::move(decoder), std::move(metadata), context.bad_records));
}

Result<std::unique_ptr<runtime::SinkWriter>> KafkaConnectorFactory::CreateSink(
    const runtime::SinkContext& context) {
  if (context.changelog) {
    return Status::PlanError(
        "connector 'kafka' accepts only inserts, but the query produces updates or deletes; use a "
        "window aggregation");
  }
  const auto options = ValueFormatOptions(context.table->options);
  auto get = [&](const std::string& key) {
    auto it = options.find(key);
    return it == options.end() ? std::string() : it->second;
  };
  KafkaSink::Options sink;
  sink.topic = get("topic");
  if (sink.topic.empty()) return Status::InvalidArgument("connector 'kafka' needs option 'topic'");
  sink.properties = KafkaClientConfig::Properties(options);
  if (sink.properties["bootstrap.servers"].empty()) {
    return Status::InvalidArgument("connector 'kafka' needs option 'properties.bootstrap.servers'");
  }
  std::string partitioner = get("sink.partitioner");
  if (partitioner.empty() || partitioner == "default") {
    sink.partitioner = KafkaSink::Partitioner::kDefault;
  } else if (partitioner == "fixed") {
    sink.partitioner = KafkaSink::Partitioner::kFixed;
  } else if (partitioner == "round-robin") {
    sink.partitioner = KafkaSink::Partitioner::kRoundRobin;
  } else {
    return Status::InvalidArgument(fmt::format(
        "option 'sink.partitioner' = '{}': use default, fixed or round-robin", partitioner));
  }
  std::vector<std::string> names;
  Schema table_schema = context.table->sink_schema();
  const Schema& named =
      table_schema.size() == context.input_schema->size() ? table_schema : *context.input_schema;
  for (const auto& f : named.fields()) names.push_back(f.name);
  std::vector<std::string> key_names;
  std::string key_fields = get("key.fields");
  size_t start = 0;
  while (!key_fields.empty() && start <= key_fields.size()) {
    size_t end = std::min(key_fields.find(';', start), key_fields.size());
    std::string name = key_fields.substr(start, end - start);
    auto index = named.Find(name);
    if (!index) {
      return Status::InvalidArgument(
          fmt::format("option 'key.fields': the table has no column '{}'", name));
    }
    sink.key_fields.push_back(*index);
    key_names.push_back(name);
    start = end + 1;
  }
  ASSIGN_OR_RETURN(auto value_encoder, FormatFactory::CreateEncoder(options, names));
  std::unique_ptr<runtime::RecordEncoder> key_encoder;
  if (!key_names.empty()) {
    ASSIGN_OR_RETURN(key_encoder, FormatFactory::CreateEncoder(options, key_names));
  }
  return std::unique_ptr<runtime::SinkWriter>(std::make_unique<KafkaSink>(
      std::move(sink), std::move(value_encoder), std::move(key_encoder), context.input_schema));
}

}  // namespace sluice::connectors
