#include "connectors/kafka/kafka_connector_factory.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

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

// Fills the exactly-once fields of `sink` from 'sink.delivery-guarantee' and
// 'sink.transactional-id-prefix' (Flink's names): a prefix alone also means exactly-once.
Status ParseDeliveryGuarantee(const std::map<std::string, std::string>& options,
                              const runtime::SinkContext& context, KafkaSink::Options* sink) {
  auto get = [&](const std::string& key, const std::string& fallback) {
    auto it = options.find(key);
    return it == options.end() ? fallback : it->second;
  };
  const std::string prefix = get("sink.transactional-id-prefix", "");
  const std::string guarantee =
      get("sink.delivery-guarantee", prefix.empty() ? "at-least-once" : "exactly-once");
  if (guarantee != "exactly-once" && guarantee != "at-least-once" && guarantee != "none") {
    return Status::InvalidArgument(fmt::format(
        "option 'sink.delivery-guarantee' = '{}': use exactly-once, at-least-once or none",
        guarantee));
  }
  if (guarantee != "exactly-once") return Status::Ok();
  const std::string scope = context.epoch_scope();
  const std::string pipeline = scope.empty() ? "pipeline" : scope;
  sink->transactional_id =
      fmt::format("{}-{}-{}", prefix.empty() ? "sluice" : prefix, pipeline, context.sink_name);
  sink->marker_topic = get("sink.transaction-marker-topic", sink->topic + ".sluice-epochs");
  sink->marker_key = pipeline + "/" + context.sink_name;
  return Status::Ok();
}

// The source's 'key.format', 'key.fields' and 'value.fields-include' (Flink's names).
struct SourceKey {
  std::map<std::string, size_t> from_key;      // column read from the key -> its key position
  std::map<std::string, std::string> options;  // the key format's options as 'format', '<f>.*'
};

Result<SourceKey> ParseSourceKey(const std::map<std::string, std::string>& options,
                                 const sql::CatalogTable& table) {
  auto get = [&](const std::string& key) {
    auto it = options.find(key);
    return it == options.end() ? std::string() : it->second;
  };
  const std::string format = get("key.format");
  const std::string fields = get("key.fields");
  const std::string include =
      get("value.fields-include").empty() ? "ALL" : get("value.fields-include");
  if (include != "ALL" && include != "EXCEPT_KEY") {
    return Status::InvalidArgument(
        fmt::format("option 'value.fields-include' = '{}': use ALL or EXCEPT_KEY", include));
  }
  if (format.empty() != fields.empty()) {
    return Status::InvalidArgument("options 'key.format' and 'key.fields' go together");
  }
  SourceKey key;
  if (format.empty()) {
    if (include == "EXCEPT_KEY") {
      return Status::InvalidArgument("'value.fields-include' = 'EXCEPT_KEY' needs 'key.fields'");
    }
    return key;
  }
  std::vector<std::string> names;
  for (size_t start = 0; start <= fields.size();) {
    size_t end = std::min(fields.find(';', start), fields.size());
    names.push_back(fields.substr(start, end - start));
    start = end + 1;
  }
  for (const auto& name : names) {
    auto column = std::find_if(table.columns.begin(), table.columns.end(),
                               [&](const auto& c) { return c.name == name; });
    if (column == table.columns.end() || column->kind != sql::ColumnKind::kPhysical) {
      return Status::InvalidArgument(
          fmt::format("option 'key.fields': '{}' is not a physical column of the table", name));
    }
    if (format == "raw" && (names.size() != 1 || column->type.id != TypeId::kString)) {
      return Status::InvalidArgument(
          "key format 'raw' needs exactly one key field, of type STRING");
    }
  }
  // With ALL the value holds every physical column, the key ones too, and the value's win.
  if (include == "ALL") return key;
  for (size_t i = 0; i < names.size(); ++i) key.from_key[names[i]] = i;
  key.options["format"] = format;
  const std::string prefix = "key." + format + ".";
  for (const auto& [k, v] : options) {
    if (k.rfind(prefix, 0) == 0) key.options[k.substr(4)] = v;
  }
  return key;
}

}  // namespace

Result<std::unique_ptr<runtime::SourceReader>> KafkaConnectorFactory::CreateSource(
    const runtime::SourceContext& context) {
  const auto options = ValueFormatOptions(context.table->options);
  ASSIGN_OR_RETURN(KafkaSource::Options kafka, KafkaSource::ParseOptions(options));
  ASSIGN_OR_RETURN(SourceKey key, ParseSourceKey(options, *context.table));
  // Stored columns in declaration order; the value decoder sees only physical ones that are not
  // read from the key.
  std::vector<const sql::CatalogColumn*> stored;
  std::vector<size_t> physical_position;
  size_t num_physical = 0;
  for (const auto& c : context.table->columns) {
    if (c.kind == sql::ColumnKind::kComputed) continue;
    stored.push_back(&c);
    const bool in_value = c.kind == sql::ColumnKind::kPhysical && !key.from_key.count(c.name);
    physical_position.push_back(in_value ? num_physical++ : 0);
  }
  std::vector<KafkaSource::MetadataColumn> metadata;
  auto physical_schema = std::make_shared<Schema>();
  auto key_schema = std::make_shared<Schema>();
  std::vector<size_t> physical_columns, key_columns;
  std::vector<std::string> format_metadata_keys;  // per decoded field: filled by the format
  for (size_t i = 0; i < context.decoded_schema->size(); ++i) {
    size_t s = context.decoded_columns.empty() ? i : context.decoded_columns[i];
    if (s >= stored.size()) return Status::Internal("decoded column out of range");
    auto from_key = key.from_key.find(stored[s]->name);
    if (stored[s]->kind == sql::ColumnKind::kPhysical && from_key != key.from_key.end()) {
      metadata.push_back({i, KafkaSource::MetadataKey::kKeyField, key_schema->size()});
      key_schema->Add(context.decoded_schema->field(i));
      key_columns.push_back(from_key->second);
      continue;
    }
    std::string name = stored[s]->metadata_key.empty() ? stored[s]->name : stored[s]->metadata_key;
    const bool format_metadata = stored[s]->kind == sql::ColumnKind::kMetadata &&
                                 FormatFactory::IsFormatMetadataKey(options, name);
    if (stored[s]->kind == sql::ColumnKind::kMetadata && !format_metadata) {
      ASSIGN_OR_RETURN(KafkaSource::MetadataKey k, KafkaSource::ParseMetadataKey(name));
      if (k == KafkaSource::MetadataKey::kHeaders &&
          context.decoded_schema->field(i).type.id != TypeId::kString) {
        return Status::InvalidArgument(fmt::format(
            "metadata column '{}' FROM 'headers' must be STRING (a JSON object of the headers)",
            stored[s]->name));
      }
      metadata.push_back({i, k});
      continue;
    }
    physical_schema->Add(context.decoded_schema->field(i));
    physical_columns.push_back(physical_position[s]);
    format_metadata_keys.push_back(format_metadata ? name : std::string());
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
  KafkaSource::KeyFormat key_format;
  if (!key.from_key.empty()) {
    key_format.schema = key_schema;
    if (key.options.at("format") != "raw") {
      ASSIGN_OR_RETURN(
          key_format.decoder,
          FormatFactory::CreateDecoder(key.options, key_schema, key_columns, key.from_key.size(),
                                       std::vector<std::string>(key_schema->size())));
    }
  }
  return std::unique_ptr<runtime::SourceReader>(std::make_unique<KafkaSource>(
      context.table->name, std::move(kafka), context.decoded_schema, std::move(decoder),
      std::move(metadata), context.bad_records, std::move(key_format)));
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
  RETURN_IF_ERROR(ParseDeliveryGuarantee(options, context, &sink));
  if (!get("topic.create.partitions").empty()) {
    char* end = nullptr;
    const std::string partitions = get("topic.create.partitions");
    long n = std::strtol(partitions.c_str(), &end, 10);
    if (*end != '\0' || n <= 0 || n > 100000) {
      return Status::InvalidArgument(fmt::format(
          "option 'topic.create.partitions' = '{}': expected a positive integer", partitions));
    }
    sink.create_partitions = static_cast<int>(n);
  }
  sink.create_partitions_from = get("topic.create.partitions-from");
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
