#include "sql/repartition_rewriter.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "sql/expr_rewriter.h"
#include "sql/plan_builder.h"
#include "sql/plan_error.h"

namespace sluice::sql {
namespace {

constexpr const char* kRepartition = "pipeline.repartition";
constexpr const char* kPartitions = "pipeline.repartition.partitions";
constexpr const char* kWatermarkColumn = "$watermark";
constexpr const char* kPartitionColumn = "$partition";
constexpr const char* kOffsetColumn = "$offset";

std::string Setting(const std::map<std::string, std::string>& settings, const std::string& key) {
  auto it = settings.find(key);
  return it == settings.end() ? std::string() : it->second;
}

std::vector<std::string> SplitFields(const std::string& fields) {
  std::vector<std::string> names;
  for (size_t start = 0; !fields.empty() && start <= fields.size();) {
    size_t end = std::min(fields.find(';', start), fields.size());
    names.push_back(fields.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

}  // namespace

Result<bool> RepartitionRewriter::Enabled(const std::map<std::string, std::string>& settings) {
  const std::string mode = Setting(settings, kRepartition);
  if (mode.empty() || mode == "none") return false;
  if (mode == "auto") return true;
  return Status::PlanError(
      fmt::format("SET '{}' = '{}': use 'auto' or 'none'", kRepartition, mode));
}

std::vector<const PlanNode*> RepartitionRewriter::PathToAggregate(const PlanNode& job) {
  std::vector<const PlanNode*> path;
  const PlanNode* node = &job;
  while (node->inputs.size() == 1) {
    path.push_back(node);
    if (node->kind == PlanKind::kWindowAggregate) return path;
    node = node->inputs[0].get();
  }
  return {};
}

std::optional<RepartitionRewriter::Traced> RepartitionRewriter::Trace(const PlanNode& node,
                                                                      size_t column) {
  switch (node.kind) {
    case PlanKind::kScan:
      return Traced{&node, column};
    case PlanKind::kFilter:
      return Trace(*node.inputs[0], column);
    case PlanKind::kProject: {
      auto from = ExprRewriter::AsColumn(node.exprs[column]);
      if (!from) return std::nullopt;
      return Trace(*node.inputs[0], *from);
    }
    default:
      return std::nullopt;
  }
}

std::string RepartitionRewriter::ScanColumnName(const PlanNode& scan, size_t column) {
  auto decoded = ExprRewriter::AsColumn(scan.scan.outputs[column]);
  return decoded ? scan.scan.decoded_schema->field(*decoded).name : std::string();
}

std::vector<std::string> RepartitionRewriter::KeyFields(const CatalogTable& table) {
  if (table.option("key.format").empty()) return {};
  return SplitFields(table.option("key.fields"));
}

std::string RepartitionRewriter::Reason(const PlanNode& aggregate, const PlanNode& scan,
                                        const std::vector<std::string>& key_columns) {
  const CatalogTable& table = *scan.scan.table;
  std::set<std::string> grouped;
  for (const auto& key : aggregate.group_keys) {
    auto column = ExprRewriter::AsColumn(key);
    auto traced = column ? Trace(*aggregate.inputs[0], *column) : std::nullopt;
    if (traced && traced->scan == &scan) grouped.insert(ScanColumnName(scan, traced->scan_column));
  }
  const std::vector<std::string> key_fields = KeyFields(table);
  const std::string group_by = fmt::format("GROUP BY {}", fmt::join(key_columns, ", "));
  if (key_fields.empty()) {
    return fmt::format("{}, and '{}' declares no 'key.fields' (its partitioning is unknown)",
                       group_by, table.name);
  }
  for (const auto& field : key_fields) {
    if (!grouped.count(field)) {
      return fmt::format("{}, but '{}' is partitioned by its key ({})", group_by, table.name,
                         fmt::join(key_fields, ", "));
    }
  }
  return "";
}

Result<CatalogTablePtr> RepartitionRewriter::InternalTable(
    const std::string& file, SourcePos pos, const PlanNode& aggregate, const PlanNode& scan,
    const std::string& sink_name, const std::map<std::string, std::string>& settings) {
  const PlanNode& input = *aggregate.inputs[0];
  const CatalogTable& source = *scan.scan.table;
  const std::string pipeline = Setting(settings, "pipeline.name");
  if (pipeline.empty()) {
    return PlanErrorAt(file, pos,
                       fmt::format("'{}' = 'auto' needs SET 'pipeline.name': it names the "
                                   "internal topic and consumer group of sink '{}'",
                                   kRepartition, sink_name));
  }
  auto table = std::make_shared<CatalogTable>();
  table->name = sink_name + ".repartition";
  table->pos = pos;
  std::set<std::string> names;
  for (const auto& field : input.schema->fields()) {
    if (!names.insert(field.name).second) {
      return PlanErrorAt(file, pos,
                         fmt::format("repartitioning sink '{}' needs distinct column names below "
                                     "its aggregation; '{}' appears twice",
                                     sink_name, field.name));
    }
    CatalogColumn column;
    column.name = field.name;
    column.type = field.type;
    table->columns.push_back(std::move(column));
  }
  // Job B's watermark is job A's, carried with each row (the watermark in force before it).
  CatalogColumn watermark;
  watermark.name = kWatermarkColumn;
  watermark.type = LogicalType::Timestamp(3).WithNullable(true);
  table->columns.push_back(watermark);
  table->watermark_column = aggregate.window.time_column;
  table->watermark_expr = MakeColumnRef(table->columns.size() - 1, watermark.type);
  // Where job A read the row: job B deduplicates by it and keeps a watermark per partition.
  for (const auto& [name, type] : OriginColumns()) {
    CatalogColumn column;
    column.name = name;
    column.type = type;
    table->columns.push_back(std::move(column));
  }
  std::vector<std::string> keys;
  for (const auto& key : aggregate.group_keys) {
    keys.push_back(input.schema->field(*ExprRewriter::AsColumn(key)).name);
  }
  auto& options = table->options;
  for (const auto& [key, value] : source.options) {
    if (key.rfind("properties.", 0) == 0) options[key] = value;
  }
  const std::string group = source.option("properties.group.id", "sluice");
  options["connector"] = "kafka";
  options["topic"] = fmt::format("{}.{}.repartition", pipeline, sink_name);
  options["format"] = "json";
  options["key.format"] = "json";
  options["key.fields"] = fmt::format("{}", fmt::join(keys, ";"));
  options["properties.group.id"] = fmt::format("{}.{}.repartition", group, sink_name);
  options["properties.isolation.level"] = "read_committed";
  options["properties.auto.offset.reset"] = "earliest";
  options["scan.startup.mode"] = "group-offsets";
  options["sink.delivery-guarantee"] = "exactly-once";
  if (!source.option("scan.watermark.idle-timeout").empty()) {
    options["scan.watermark.idle-timeout"] = source.option("scan.watermark.idle-timeout");
  }
  if (source.option("topic").empty() || source.option("topic").find(';') != std::string::npos) {
    return PlanErrorAt(file, pos,
                       fmt::format("repartitioning sink '{}': '{}' reads several topics; job B "
                                   "tells rows apart by input partition and offset, which needs "
                                   "one input topic",
                                   sink_name, source.name));
  }
  const std::string partitions = Setting(settings, kPartitions);
  if (!partitions.empty()) {
    char* end = nullptr;
    long n = std::strtol(partitions.c_str(), &end, 10);
    if (*end != '\0' || n <= 0) {
      return Status::PlanError(
          fmt::format("SET '{}' = '{}': expected a positive integer", kPartitions, partitions));
    }
    options["topic.create.partitions"] = partitions;
  } else {
    options["topic.create.partitions-from"] = source.option("topic");
  }
  return CatalogTablePtr(std::move(table));
}

std::vector<std::pair<std::string, LogicalType>> RepartitionRewriter::OriginColumns() {
  return {{kPartitionColumn, LogicalType::Int().WithNullable(false)},
          {kOffsetColumn, LogicalType::BigInt().WithNullable(false)}};
}

PlanNodePtr RepartitionRewriter::WithOriginScan(const PlanNode& scan) {
  // The source table with the partition and offset metadata columns appended: stored indexes of
  // the declared columns do not move, so other scans of the table read it unchanged.
  auto table = std::make_shared<CatalogTable>(*scan.scan.table);
  for (const auto& [name, type] : OriginColumns()) {
    CatalogColumn column;
    column.name = name;
    column.type = type;
    column.kind = ColumnKind::kMetadata;
    column.metadata_key = name.substr(1);
    column.is_virtual = true;
    table->columns.push_back(std::move(column));
  }
  auto copy = std::make_shared<PlanNode>(scan);
  ScanSpec& spec = copy->scan;
  spec.table = table;
  auto decoded = std::make_shared<Schema>(*spec.decoded_schema);
  auto schema = std::make_shared<Schema>(*scan.schema);
  const size_t stored = table->stored_schema().size();
  // The row's own watermark: the input's WATERMARK expression over the scan's output.
  BoundExprPtr watermark = ExprRewriter::Substitute(spec.watermark_expr, spec.outputs);
  schema->Add(Field{kWatermarkColumn, watermark->type.WithNullable(true)});
  spec.outputs.push_back(watermark);
  const auto origin = OriginColumns();
  for (size_t i = 0; i < origin.size(); ++i) {
    spec.decoded_columns.push_back(stored - origin.size() + i);
    decoded->Add(Field{origin[i].first, origin[i].second});
    spec.outputs.push_back(MakeColumnRef(decoded->size() - 1, origin[i].second));
    schema->Add(Field{origin[i].first, origin[i].second});
  }
  spec.decoded_schema = decoded;
  copy->schema = schema;
  return copy;
}

Result<PlanNodePtr> RepartitionRewriter::WithOrigin(const PlanNodePtr& node) {
  if (node->kind == PlanKind::kScan) return WithOriginScan(*node);
  if (node->kind != PlanKind::kFilter && node->kind != PlanKind::kProject) {
    return Status::PlanError("repartitioning reads its input through filters and projections only");
  }
  ASSIGN_OR_RETURN(PlanNodePtr input, WithOrigin(node->inputs[0]));
  auto copy = std::make_shared<PlanNode>(*node);
  copy->inputs = {input};
  if (node->kind == PlanKind::kFilter) {
    copy->schema = input->schema;
    return PlanNodePtr(copy);
  }
  // A projection passes the three columns job A adds through, last.
  auto schema = std::make_shared<Schema>(*node->schema);
  const size_t added = OriginColumns().size() + 1;
  for (size_t i = input->schema->size() - added; i < input->schema->size(); ++i) {
    const Field& field = input->schema->field(i);
    copy->exprs.push_back(MakeColumnRef(i, field.type));
    schema->Add(field);
  }
  copy->schema = schema;
  return PlanNodePtr(copy);
}

PlanNodePtr RepartitionRewriter::Rebuild(const std::vector<const PlanNode*>& path, size_t index,
                                         const PlanNodePtr& input) {
  auto copy = std::make_shared<PlanNode>(*path[index]);
  copy->inputs = {index + 1 == path.size() ? input : Rebuild(path, index + 1, input)};
  return copy;
}

Result<std::vector<PlanNodePtr>> RepartitionRewriter::Rewrite(
    const std::string& file, SourcePos pos, const PlanNodePtr& job,
    const std::map<std::string, std::string>& settings,
    std::map<std::string, CatalogTablePtr>* tables) {
  ASSIGN_OR_RETURN(bool enabled, Enabled(settings));
  if (!enabled || !job->sink_table || !job->partial_merge.empty()) return std::vector{job};
  std::vector<const PlanNode*> path = PathToAggregate(*job);
  if (path.empty()) return std::vector{job};
  const PlanNode& aggregate = *path.back();
  const PlanNode& input = *aggregate.inputs[0];
  if (input.changelog) return std::vector{job};
  auto traced_time = Trace(input, aggregate.window.time_column);
  if (!traced_time || traced_time->scan->scan.table->option("connector") != "kafka") {
    return std::vector{job};  // not read from Kafka: not partitioned across processes
  }
  const PlanNode& scan = *traced_time->scan;
  std::vector<std::string> key_columns;
  for (const auto& key : aggregate.group_keys) {
    auto column = ExprRewriter::AsColumn(key);
    if (!column) {
      return PlanErrorAt(file, key->pos.line > 0 ? key->pos : pos,
                         fmt::format("repartitioning sink '{}' needs GROUP BY columns, not "
                                     "expressions: project {} into a column first",
                                     job->sink_name, key->ToString()));
    }
    key_columns.push_back(input.schema->field(*column).name);
  }
  const std::string reason = Reason(aggregate, scan, key_columns);
  if (reason.empty()) return std::vector{job};
  ASSIGN_OR_RETURN(CatalogTablePtr table,
                   InternalTable(file, pos, aggregate, scan, job->sink_name, settings));
  auto writer = std::make_shared<PlanNode>();
  writer->kind = PlanKind::kSink;
  writer->sink_table = table;
  writer->sink_name = table->name;
  writer->repartition = fmt::format("repartition by ({}) into topic '{}': {}",
                                    fmt::join(key_columns, ", "), table->option("topic"), reason);
  if (aggregate.window.session_gap_ms > 0) {
    return PlanErrorAt(file, pos,
                       fmt::format("repartitioning sink '{}': SESSION windows are not "
                                   "repartitioned (job B keeps TUMBLE, HOP and CUMULATE state "
                                   "per internal partition only); SET 'pipeline.repartition' = "
                                   "'none' for this pipeline",
                                   job->sink_name));
  }
  if (!scan.scan.watermark_expr) {
    return PlanErrorAt(file, pos,
                       fmt::format("repartitioning sink '{}': '{}' declares no WATERMARK; job B "
                                   "fires windows on the watermark rows carry",
                                   job->sink_name, scan.scan.table->name));
  }
  auto origin = WithOrigin(aggregate.inputs[0]);
  if (!origin.ok()) return PlanErrorAt(file, pos, origin.status().message());
  writer->inputs = {*origin};
  writer->schema = writer->inputs[0]->schema;
  (*tables)[table->name] = table;
  return std::vector<PlanNodePtr>{writer, Rebuild(path, 0, PlanBuilder::Scan(table))};
}

}  // namespace sluice::sql
