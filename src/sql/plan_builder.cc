#include "sql/plan_builder.h"

namespace sluice::sql {

PlanNodePtr PlanBuilder::Scan(const CatalogTablePtr& table) {
  auto node = std::make_shared<PlanNode>();
  node->kind = PlanKind::kScan;
  node->schema = std::make_shared<Schema>(table->full_schema());
  ScanSpec& scan = node->scan;
  scan.table = table;
  Schema stored = table->stored_schema();
  scan.decoded_schema = std::make_shared<Schema>(stored);
  size_t stored_index = 0;
  for (const auto& column : table->columns) {
    if (column.kind == ColumnKind::kComputed) {
      scan.outputs.push_back(column.computed);
    } else {
      scan.decoded_columns.push_back(stored_index);
      scan.outputs.push_back(MakeColumnRef(stored_index++, column.type));
    }
  }
  scan.rowtime_column = table->watermark_column;
  scan.watermark_expr = table->watermark_expr;
  node->rowtime_column = table->watermark_column;
  node->changelog = table->is_changelog_source();
  return node;
}

PlanNodePtr PlanBuilder::Filter(PlanNodePtr input, BoundExprPtr predicate) {
  auto node = std::make_shared<PlanNode>();
  node->kind = PlanKind::kFilter;
  node->schema = input->schema;
  node->rowtime_column = input->rowtime_column;
  node->changelog = input->changelog;
  node->predicate = std::move(predicate);
  node->inputs.push_back(std::move(input));
  return node;
}

PlanNodePtr PlanBuilder::Project(PlanNodePtr input, std::vector<BoundExprPtr> exprs,
                                 const std::vector<std::string>& names) {
  auto node = std::make_shared<PlanNode>();
  node->kind = PlanKind::kProject;
  auto schema = std::make_shared<Schema>();
  for (size_t i = 0; i < exprs.size(); ++i) {
    schema->Add({names[i], exprs[i]->type});
    if (!node->rowtime_column && input->rowtime_column &&
        exprs[i]->kind == BoundExprKind::kColumnRef && exprs[i]->column == *input->rowtime_column) {
      node->rowtime_column = i;
    }
  }
  node->schema = std::move(schema);
  node->changelog = input->changelog;
  node->exprs = std::move(exprs);
  node->inputs.push_back(std::move(input));
  return node;
}

PlanNodePtr PlanBuilder::Rename(PlanNodePtr input, const std::vector<std::string>& names) {
  std::vector<BoundExprPtr> exprs;
  for (size_t i = 0; i < input->schema->size(); ++i) {
    exprs.push_back(MakeColumnRef(i, input->schema->field(i).type));
  }
  return Project(std::move(input), std::move(exprs), names);
}

std::vector<std::string> PlanBuilder::Names(const PlanNode& node) {
  std::vector<std::string> names;
  for (const auto& f : node.schema->fields()) names.push_back(f.name);
  return names;
}

}  // namespace sluice::sql
