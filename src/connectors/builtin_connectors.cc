#include "connectors/builtin_connectors.h"

#include <fmt/format.h>

#include <cstdio>

#include "connectors/blackhole/blackhole_sink.h"
#include "connectors/clickhouse/clickhouse_sink.h"
#include "connectors/connector_options.h"
#include "connectors/datagen/datagen_source.h"
#include "connectors/filesystem/filesystem_sink.h"
#include "connectors/filesystem/filesystem_source.h"
#include "connectors/formats/format_factory.h"
#include "connectors/http/http_source.h"
#include "connectors/kafka/kafka_connector_factory.h"
#include "connectors/mysql/mysql_cdc_source.h"
#include "connectors/nexmark/nexmark_source.h"
#include "connectors/postgres/postgres_sink.h"
#include "connectors/print/print_sink.h"

namespace sluice::connectors {
namespace {

using runtime::SinkContext;
using runtime::SinkWriter;
using runtime::SourceContext;
using runtime::SourceReader;

Result<std::string> RequiredOption(const ConnectorOptions& options, const std::string& key,
                                   const std::string& connector) {
  std::string value = options.GetString(key);
  if (value.empty()) {
    return Status::InvalidArgument(fmt::format("connector '{}' needs option '{}'", connector, key));
  }
  return value;
}

// The names a sink writes its fields under: the table's columns when they match the input.
std::vector<std::string> SinkFieldNames(const SinkContext& context) {
  std::vector<std::string> names;
  if (context.table) {
    Schema s = context.table->sink_schema();
    if (s.size() == context.input_schema->size()) {
      for (const auto& f : s.fields()) names.push_back(f.name);
      return names;
    }
  }
  for (const auto& f : context.input_schema->fields()) names.push_back(f.name);
  return names;
}

Result<std::unique_ptr<SourceReader>> CreateDatagenSource(const SourceContext& context) {
  ASSIGN_OR_RETURN(std::unique_ptr<DatagenSource> source,
                   DatagenSource::Create(context.table->options, context.decoded_schema,
                                         context.table->stored_schema()));
  return std::unique_ptr<SourceReader>(std::move(source));
}

Result<std::unique_ptr<SourceReader>> CreateNexmarkSource(const SourceContext& context) {
  for (const auto& c : context.table->columns) {
    if (c.kind == sql::ColumnKind::kMetadata) {
      return Status::InvalidArgument(
          fmt::format("connector 'nexmark' has no metadata columns ('{}')", c.name));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<NexmarkSource> source,
                   NexmarkSource::Create(context.table->options, context.table->name,
                                         context.decoded_schema, context.table->stored_schema()));
  return std::unique_ptr<SourceReader>(std::move(source));
}

Result<std::unique_ptr<SourceReader>> CreateFilesystemSource(const SourceContext& context) {
  ConnectorOptions options(context.table->options);
  ASSIGN_OR_RETURN(std::string path, RequiredOption(options, "path", "filesystem"));
  // Stored columns in declaration order; the decoder sees only physical ones, numbered among
  // the physical columns (CSV is positional over them).
  std::vector<const sql::CatalogColumn*> stored;
  std::vector<size_t> physical_position;
  size_t num_physical = 0;
  for (const auto& c : context.table->columns) {
    if (c.kind == sql::ColumnKind::kComputed) continue;
    stored.push_back(&c);
    physical_position.push_back(c.kind == sql::ColumnKind::kPhysical ? num_physical++ : 0);
  }
  std::vector<FilesystemSource::MetadataColumn> metadata;
  auto physical_schema = std::make_shared<Schema>();
  std::vector<size_t> physical_columns;
  std::vector<std::string> format_metadata_keys;  // per decoded field: filled by the format
  for (size_t i = 0; i < context.decoded_schema->size(); ++i) {
    size_t s = context.decoded_columns.empty() ? i : context.decoded_columns[i];
    if (s >= stored.size()) return Status::Internal("decoded column out of range");
    std::string key = stored[s]->metadata_key.empty() ? stored[s]->name : stored[s]->metadata_key;
    const bool format_metadata = stored[s]->kind == sql::ColumnKind::kMetadata &&
                                 FormatFactory::IsFormatMetadataKey(context.table->options, key);
    if (stored[s]->kind == sql::ColumnKind::kMetadata && !format_metadata) {
      if (!FilesystemSource::IsMetadataKey(key)) {
        return Status::InvalidArgument(fmt::format(
            "connector 'filesystem' has no metadata '{}'; it has 'file.path', 'file.name', "
            "'file.size'",
            key));
      }
      metadata.push_back({i, key});
      continue;
    }
    physical_schema->Add(context.decoded_schema->field(i));
    physical_columns.push_back(physical_position[s]);
    format_metadata_keys.push_back(format_metadata ? key : std::string());
  }
  ASSIGN_OR_RETURN(
      std::unique_ptr<runtime::RecordDecoder> decoder,
      FormatFactory::CreateDecoder(context.table->options, physical_schema, physical_columns,
                                   num_physical, format_metadata_keys));
  return std::unique_ptr<SourceReader>(std::make_unique<FilesystemSource>(
      context.table->name, path, context.decoded_schema, std::move(decoder), context.bad_records,
      size_t{1} << 20, std::move(metadata)));
}

Result<std::unique_ptr<SinkWriter>> CreateFilesystemSink(const SinkContext& context) {
  ConnectorOptions options(context.table->options);
  ASSIGN_OR_RETURN(std::string path, RequiredOption(options, "path", "filesystem"));
  if (context.changelog) {
    return Status::PlanError(
        "connector 'filesystem' accepts only inserts, but the query produces updates or "
        "deletes; write to 'print' or an upserting sink, or use a window aggregation");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<runtime::RecordEncoder> encoder,
                   FormatFactory::CreateEncoder(context.table->options, SinkFieldNames(context)));
  return std::unique_ptr<SinkWriter>(
      std::make_unique<FilesystemSink>(path, options.GetString("format"), std::move(encoder)));
}

Result<std::unique_ptr<SinkWriter>> CreatePrintSink(const SinkContext& context) {
  std::string identifier;
  bool to_stderr = false;
  if (context.table) {
    ConnectorOptions options(context.table->options);
    identifier = options.GetString("print-identifier");
    ASSIGN_OR_RETURN(to_stderr, options.GetBool("standard-error", false));
  }
  return std::unique_ptr<SinkWriter>(std::make_unique<PrintSink>(
      to_stderr ? stderr : stdout, identifier, to_stderr ? "stderr" : "stdout"));
}

Result<std::unique_ptr<SinkWriter>> CreateBlackholeSink(const SinkContext&) {
  return std::unique_ptr<SinkWriter>(std::make_unique<BlackholeSink>());
}

}  // namespace

void RegisterBuiltinConnectors(runtime::ConnectorRegistry* registry) {
  registry->RegisterSource("datagen", CreateDatagenSource);
  registry->RegisterSource("nexmark", CreateNexmarkSource);
  registry->RegisterSource("filesystem", CreateFilesystemSource);
  registry->RegisterSink("filesystem", CreateFilesystemSink);
  registry->RegisterSink("print", CreatePrintSink);
  registry->RegisterSink("blackhole", CreateBlackholeSink);
  registry->RegisterSink("clickhouse", ClickHouseSink::Create);
  registry->RegisterSource("kafka", KafkaConnectorFactory::CreateSource);
  registry->RegisterSink("kafka", KafkaConnectorFactory::CreateSink);
  registry->RegisterSink("postgres", PostgresSink::Create);
  registry->RegisterSource("http", HttpSource::Create);
  registry->RegisterSource("mysql-cdc", MySqlCdcSource::Create);
}

}  // namespace sluice::connectors
