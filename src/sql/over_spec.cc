#include "sql/over_spec.h"

#include <fmt/format.h>

#include "common/duration.h"

namespace sluice::sql {
namespace {

std::string PartitionText(const std::vector<size_t>& keys, const std::vector<std::string>& names) {
  if (keys.empty()) return "";
  std::string s = "PARTITION BY ";
  for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + names[keys[i]];
  return s + " ";
}

std::string CallText(const OverCall& c, const std::vector<std::string>& names) {
  std::string s = c.function + "(";
  if (c.count_star) s += "*";
  if (c.arg) s += names[*c.arg];
  if (c.function == "LAG") {
    s += fmt::format(", {}", c.offset);
    if (c.default_column) s += ", " + names[*c.default_column];
  }
  s += ")";
  if (c.filter) s += " FILTER " + names[*c.filter];
  return s;
}

}  // namespace

std::string OverSpec::Describe(const std::vector<std::string>& names) const {
  std::string s = PartitionText(partition_keys, names) + "ORDER BY " + names[order_column];
  if (frame == Frame::kRows) {
    s += unbounded ? " ROWS UNBOUNDED PRECEDING" : fmt::format(" ROWS {} PRECEDING", preceding);
  } else {
    s += unbounded ? " RANGE UNBOUNDED PRECEDING"
                   : " RANGE " + FormatDurationMillis(preceding) + " PRECEDING";
  }
  s += ", calls=[";
  for (size_t i = 0; i < calls.size(); ++i) s += (i ? ", " : "") + CallText(calls[i], names);
  return s + "]";
}

std::string RankSpec::Describe(const std::vector<std::string>& names) const {
  std::string order = PartitionText(partition_keys, names) + "ORDER BY " + names[order_column] +
                      (descending ? " DESC" : " ASC");
  if (window_end_column) {
    return fmt::format("WindowTopN[{}, {}, window end {}{}]", limit, order,
                       names[*window_end_column], with_row_number ? ", with row number" : "");
  }
  if (limit == 1) {
    return fmt::format("Deduplicate[keep {}, {}]", descending ? "last" : "first", order);
  }
  return fmt::format("TopN[{}, {}{}]", limit, order, with_row_number ? ", with row number" : "");
}

}  // namespace sluice::sql
