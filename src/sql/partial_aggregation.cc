#include "sql/partial_aggregation.h"

#include <fmt/format.h>

#include "sql/plan_error.h"

namespace sluice::sql {
namespace {

constexpr const char* kNeedsWindowAggregate =
    "'sink.aggregation' = 'partial' on sink '{}' needs a window aggregation (TUMBLE, HOP or "
    "CUMULATE ... GROUP BY window_start, window_end, ...) whose columns are written as they are: "
    "{}";

}  // namespace

bool PartialAggregation::Requested(const CatalogTable& table) {
  return table.option("sink.aggregation") == "partial";
}

Result<std::string> PartialAggregation::MergeOf(const std::string& file, const std::string& sink,
                                                const BoundAggregate& aggregate) {
  const std::string& f = aggregate.function;
  if (!aggregate.distinct) {
    if (f == "COUNT" || f == "SUM") return std::string("sum");
    if (f == "MIN") return std::string("min");
    if (f == "MAX") return std::string("max");
  }
  std::string call = aggregate.distinct ? f + "(DISTINCT ...)" : f;
  std::string hint =
      f == "AVG" ? "; write SUM(x) and COUNT(x) into two columns and read sum(s) / sum(n)" : "";
  return PlanErrorAt(file, aggregate.pos,
                     fmt::format("{} cannot be merged from partial aggregates ('sink.aggregation' "
                                 "= 'partial' on sink '{}' takes COUNT, SUM, MIN and MAX){}",
                                 call, sink, hint));
}

Result<std::vector<std::string>> PartialAggregation::MergeFunctions(const std::string& file,
                                                                    SourcePos insert_pos,
                                                                    const std::string& sink,
                                                                    const PlanNode& query) {
  // columns[i]: the column of `node`'s output that query column i is.
  std::vector<size_t> columns(query.schema->size());
  for (size_t i = 0; i < columns.size(); ++i) columns[i] = i;
  const PlanNode* node = &query;
  while (node->kind == PlanKind::kProject) {
    for (size_t& c : columns) {
      const BoundExpr& e = *node->exprs[c];
      if (e.kind != BoundExprKind::kColumnRef) {
        return PlanErrorAt(file, e.pos.line > 0 ? e.pos : insert_pos,
                           fmt::format(kNeedsWindowAggregate, sink,
                                       "an expression over aggregates cannot be merged (write "
                                       "the aggregates and compute it when reading)"));
      }
      c = e.column;
    }
    node = node->inputs[0].get();
  }
  if (node->kind != PlanKind::kWindowAggregate || node->window.session_gap_ms > 0 ||
      node->changelog) {
    const char* what = node->kind == PlanKind::kWindowAggregate
                           ? (node->changelog ? "its result has updates (allowed lateness)"
                                              : "SESSION windows cannot be merged")
                           : "the query is no window aggregation, or filters its result";
    return PlanErrorAt(file, insert_pos, fmt::format(kNeedsWindowAggregate, sink, what));
  }
  const size_t keys = node->group_keys.size() + 3;  // group keys, window_start/end/time
  std::vector<std::string> merge;
  for (size_t c : columns) {
    if (c < keys) {
      merge.emplace_back();
      continue;
    }
    ASSIGN_OR_RETURN(std::string m, MergeOf(file, sink, node->aggregates[c - keys]));
    merge.push_back(std::move(m));
  }
  return merge;
}

}  // namespace sluice::sql
