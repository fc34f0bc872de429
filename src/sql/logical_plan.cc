#include "sql/logical_plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/duration.h"

namespace sluice::sql {
namespace {

std::vector<std::string> Names(const Schema& schema) {
  std::vector<std::string> names;
  for (const auto& f : schema.fields()) names.push_back(f.name);
  return names;
}

std::string JoinExprs(const std::vector<BoundExprPtr>& exprs,
                      const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i) s += ", ";
    s += exprs[i]->ToString(&names);
  }
  return s;
}

std::string WindowText(const WindowSpec& w, const std::vector<std::string>& names) {
  std::string col = w.time_column < names.size() ? names[w.time_column] : "?";
  if (w.session_gap_ms > 0) {
    return fmt::format("SESSION({}, gap={})", col, FormatDurationMillis(w.session_gap_ms));
  }
  switch (w.kind) {
    case WindowKind::kTumble:
      return fmt::format("TUMBLE({}, size={}{})", col, FormatDurationMillis(w.size_ms),
                         w.offset_ms ? ", offset=" + FormatDurationMillis(w.offset_ms) : "");
    case WindowKind::kHop:
      return fmt::format("HOP({}, slide={}, size={})", col, FormatDurationMillis(w.step_ms),
                         FormatDurationMillis(w.size_ms));
    case WindowKind::kCumulate:
      return fmt::format("CUMULATE({}, step={}, size={})", col, FormatDurationMillis(w.step_ms),
                         FormatDurationMillis(w.size_ms));
  }
  return "?";
}

}  // namespace

std::string PlanNode::ToString(int indent) const {
  std::string pad(indent * 2, ' ');
  std::vector<std::string> in_names;
  if (!inputs.empty()) in_names = Names(*inputs[0]->schema);
  std::string line;
  switch (kind) {
    case PlanKind::kScan: {
      std::vector<std::string> decoded = Names(*scan.decoded_schema);
      std::vector<std::string> out = Names(*schema);
      line = fmt::format("Scan[{}, connector={}, read=[{}]", scan.table->name,
                         scan.table->option("connector"), fmt::join(decoded, ", "));
      if (scan.watermark_expr) {
        line += fmt::format(", watermark={}", scan.watermark_expr->ToString(&out));
      }
      if (scan.filter) line += fmt::format(", filter={}", scan.filter->ToString(&out));
      line += "]";
      break;
    }
    case PlanKind::kFilter:
      line = "Filter[" + predicate->ToString(&in_names) + "]";
      break;
    case PlanKind::kProject: {
      std::vector<std::string> out = Names(*schema);
      line = "Project[";
      for (size_t i = 0; i < exprs.size(); ++i) {
        if (i) line += ", ";
        std::string e = exprs[i]->ToString(&in_names);
        line += e == out[i] ? e : e + " AS " + out[i];
      }
      line += "]";
      break;
    }
    case PlanKind::kWindowAggregate:
    case PlanKind::kGroupAggregate: {
      line = kind == PlanKind::kWindowAggregate
                 ? "WindowAggregate[" + WindowText(window, in_names) + ", "
                 : "GroupAggregate[";
      line += "keys=[" + JoinExprs(group_keys, in_names) + "], aggs=[";
      for (size_t i = 0; i < aggregates.size(); ++i) {
        if (i) line += ", ";
        line += aggregates[i].ToString(&in_names);
      }
      line += "]]";
      break;
    }
    case PlanKind::kUnion:
      line = "UnionAll";
      break;
    case PlanKind::kOverAggregate:
      line = "OverAggregate[" + over.Describe(in_names) + "]";
      break;
    case PlanKind::kRank:
      line = rank.Describe(in_names);
      break;
    case PlanKind::kWindowTable:
      line = "WindowTable[" + WindowText(window, in_names) + "]";
      break;
    case PlanKind::kIntervalJoin:
    case PlanKind::kWindowJoin:
      line = fmt::format(
          "{}[{}]", kind == PlanKind::kIntervalJoin ? "IntervalJoin" : "WindowJoin",
          join.Describe(in_names, Names(*inputs[1]->schema), kind == PlanKind::kWindowJoin));
      break;
    case PlanKind::kUnnest:
      line = "Unnest[" + unnest->ToString(&in_names) + "]";
      break;
    case PlanKind::kSink:
      line = fmt::format("Sink[{}, connector={}]", sink_name,
                         sink_table ? sink_table->option("connector") : "print");
      if (!partial_merge.empty()) line.insert(line.size() - 1, ", partial aggregates");
      if (!repartition.empty()) line.insert(line.size() - 1, ", " + repartition);
      break;
  }
  if (changelog) line += " (changelog)";
  std::string s = pad + line + "\n";
  for (const auto& in : inputs) s += in->ToString(indent + 1);
  return s;
}

std::string PipelinePlan::ToString() const {
  std::string s;
  for (size_t i = 0; i < jobs.size(); ++i) {
    s += fmt::format("== Job {}: INSERT INTO {} ==\n", i + 1, jobs[i]->sink_name);
    s += jobs[i]->ToString(0);
  }
  return s;
}

}  // namespace sluice::sql
