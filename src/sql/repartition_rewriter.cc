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
  const std::string partitions = Setting(settings, kPartitions);
  if (!partitions.empty()) {
    char* end = nullptr;
    long n = std::strtol(partitions.c_str(), &end, 10);
    if (*end != '\0' || n <= 0) {
      return Status::PlanError(
          fmt::format("SET '{}' = '{}': expected a positive integer", kPartitions, partitions));
    }
    options["topic.create.partitions"] = partitions;
  } else if (source.option("topic").empty() ||
             source.option("topic").find(';') != std::string::npos) {
    return PlanErrorAt(file, pos,
                       fmt::format("repartitioning sink '{}': '{}' reads several topics; SET "
                                   "'{}' to the internal topic's partition count",
                                   sink_name, source.name, kPartitions));
  } else {
    options["topic.create.partitions-from"] = source.option("topic");
  }
  return CatalogTablePtr(std::move(table));
}

PlanNodePtr RepartitionRewriter::WithRowWatermark(const PlanNodePtr& input, size_t rowtime) {
  std::vector<BoundExprPtr> exprs;
  for (size_t i = 0; i < input->schema->size(); ++i) {
    exprs.push_back(MakeColumnRef(i, input->schema->field(i).type));
  }
  exprs.push_back(MakeCall("CURRENT_WATERMARK", {exprs[rowtime]},
                           LogicalType::Timestamp(3).WithNullable(true)));
  std::vector<std::string> names = PlanBuilder::Names(*input);
  names.push_back(kWatermarkColumn);
  return PlanBuilder::Project(input, std::move(exprs), names);
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
  writer->inputs = {WithRowWatermark(aggregate.inputs[0], aggregate.window.time_column)};
  writer->schema = writer->inputs[0]->schema;
  (*tables)[table->name] = table;
  return std::vector<PlanNodePtr>{writer, Rebuild(path, 0, PlanBuilder::Scan(table))};
}

}  // namespace sluice::sql
