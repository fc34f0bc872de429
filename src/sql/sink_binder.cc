#include "sql/sink_binder.h"

#include <fmt/format.h>

#include "sql/partial_aggregation.h"
#include "sql/plan_builder.h"
#include "sql/plan_error.h"
#include "sql/type_coercion.h"

namespace sluice::sql {
namespace {

std::string NullableTypeText(const LogicalType& t) { return t.WithNullable(true).ToString(); }

PlanNodePtr MakeSink(PlanNodePtr input, CatalogTablePtr table, std::string name,
                     std::vector<std::string> partial_merge = {}) {
  auto node = std::make_shared<PlanNode>();
  node->partial_merge = std::move(partial_merge);
  node->kind = PlanKind::kSink;
  node->schema = input->schema;
  node->changelog = input->changelog;
  node->sink_table = std::move(table);
  node->sink_name = std::move(name);
  node->inputs.push_back(std::move(input));
  return node;
}

}  // namespace

bool SinkBinder::IsAppendOnlyConnector(const std::string& connector) {
  return connector == "filesystem" || connector == "kafka";
}

Result<PlanNodePtr> SinkBinder::BindSelect(const Query& query) {
  ASSIGN_OR_RETURN(Relation r, queries_->BindQuery(query));
  return MakeSink(r.node, nullptr, "stdout");
}

Result<PlanNodePtr> SinkBinder::BindInsert(const InsertStmt& insert, SourcePos pos) {
  CatalogTablePtr table = catalog_.FindTable(insert.table);
  if (!table) {
    if (catalog_.FindView(insert.table)) {
      return PlanErrorAt(file_, insert.table_pos,
                         fmt::format("cannot INSERT INTO view '{}'", insert.table));
    }
    return catalog_.UnknownTable(insert.table, insert.table_pos);
  }
  ASSIGN_OR_RETURN(Relation r, queries_->BindQuery(*insert.query));
  std::string connector = table->option("connector");
  if (r.node->changelog && IsAppendOnlyConnector(connector)) {
    return PlanErrorAt(file_, pos,
                       fmt::format("the query produces updates, but sink '{}' (connector '{}') "
                                   "accepts only inserts",
                                   table->name, connector));
  }
  if (r.node->changelog && connector == "clickhouse" && table->primary_key.empty()) {
    return PlanErrorAt(file_, pos,
                       fmt::format("the query produces updates, so sink '{}' (connector "
                                   "'clickhouse') needs a PRIMARY KEY (...) NOT ENFORCED: updates "
                                   "and deletes are written as upserts of that key",
                                   table->name));
  }
  ASSIGN_OR_RETURN(PlanNodePtr input, MatchColumns(insert, pos, *table, r.node));
  std::vector<std::string> merge;
  if (PartialAggregation::Requested(*table)) {
    ASSIGN_OR_RETURN(merge, PartialMerge(pos, *table, *r.node, *input));
  }
  return MakeSink(input, table, table->name, std::move(merge));
}

Result<std::vector<std::string>> SinkBinder::PartialMerge(SourcePos pos, const CatalogTable& table,
                                                          const PlanNode& query,
                                                          const PlanNode& input) {
  if (table.option("connector") != "clickhouse") {
    return PlanErrorAt(file_, pos,
                       fmt::format("'sink.aggregation' = 'partial' needs a 'clickhouse' sink, "
                                   "which merges the partial rows; sink '{}' is '{}'",
                                   table.name, table.option("connector")));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> by_query,
                   PartialAggregation::MergeFunctions(file_, pos, table.name, query));
  if (&input == &query) return by_query;
  // MatchColumns projected the query's columns into the sink's order (with implicit casts).
  std::vector<std::string> merge;
  for (const BoundExprPtr& e : input.exprs) {
    const BoundExpr* ref = e.get();
    while (ref->kind == BoundExprKind::kCast) ref = ref->args[0].get();
    if (ref->kind != BoundExprKind::kColumnRef) {
      return PlanErrorAt(file_, pos,
                         fmt::format("'sink.aggregation' = 'partial': every column of sink '{}' "
                                     "must be written by the query",
                                     table.name));
    }
    merge.push_back(by_query[ref->column]);
  }
  return merge;
}

Result<PlanNodePtr> SinkBinder::MatchColumns(const InsertStmt& insert, SourcePos pos,
                                             const CatalogTable& table, PlanNodePtr input) {
  Schema sink = table.sink_schema();
  const Schema& query = *input->schema;
  // target[i]: the query column written to sink column i, or none (NULL).
  std::vector<std::optional<size_t>> target(sink.size());
  if (insert.columns.empty()) {
    if (query.size() != sink.size()) {
      return PlanErrorAt(
          file_, pos,
          fmt::format("the query has {} columns ({}), but sink '{}' has {} ({})", query.size(),
                      query.ToString(), table.name, sink.size(), sink.ToString()));
    }
    for (size_t i = 0; i < sink.size(); ++i) target[i] = i;
  } else {
    if (query.size() != insert.columns.size()) {
      return PlanErrorAt(file_, pos,
                         fmt::format("the query has {} columns ({}), but the INSERT column list "
                                     "names {}",
                                     query.size(), query.ToString(), insert.columns.size()));
    }
    for (size_t q = 0; q < insert.columns.size(); ++q) {
      auto index = sink.Find(insert.columns[q]);
      if (!index) {
        std::vector<std::string> names;
        for (const auto& f : sink.fields()) names.push_back(f.name);
        return PlanErrorAt(
            file_, insert.table_pos,
            fmt::format("unknown column '{}' of sink '{}'{}", insert.columns[q], table.name,
                        SuggestName(insert.columns[q], names, "columns of " + table.name)));
      }
      if (target[*index]) {
        return PlanErrorAt(file_, insert.table_pos,
                           fmt::format("column '{}' is listed twice", insert.columns[q]));
      }
      target[*index] = q;
    }
  }
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  bool identity = query.size() == sink.size();
  for (size_t i = 0; i < sink.size(); ++i) {
    const Field& to = sink.field(i);
    names.push_back(to.name);
    if (!target[i]) {
      exprs.push_back(MakeCast(MakeLiteral(Value::Null(LogicalType::Null())), to.type, false));
      identity = false;
      continue;
    }
    const Field& from = query.field(*target[i]);
    if (!TypeCoercion::IsImplicit(from.type, to.type)) {
      return PlanErrorAt(file_, pos,
                         fmt::format("query column {} '{}' of type {} cannot be written to column "
                                     "'{}' {} of sink '{}' (use CAST)",
                                     *target[i] + 1, from.name, NullableTypeText(from.type),
                                     to.name, NullableTypeText(to.type), table.name));
    }
    BoundExprPtr e = MakeColumnRef(*target[i], from.type);
    // Nested values that differ only in nullability share their representation: no cast.
    if (!from.type.SameAs(to.type) && !from.type.is_nested())
      e = MakeCast(e, to.type.WithNullable(from.type.nullable), false);
    identity &= e->kind == BoundExprKind::kColumnRef && *target[i] == i && from.name == to.name;
    exprs.push_back(std::move(e));
  }
  if (identity) return input;
  return PlanBuilder::Project(std::move(input), std::move(exprs), names);
}

}  // namespace sluice::sql
