#include "sql/plan_error.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

namespace sluice::sql {
namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t cost = std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

Status PlanErrorAt(const std::string& file, SourcePos pos, const std::string& what) {
  return Status::PlanError(fmt::format("{}:{}:{}: {}", file, pos.line, pos.column, what));
}

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;
  for (const auto& c : candidates) {
    size_t d = EditDistance(name, c);
    if (d < best_distance && d * 2 <= name.size()) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string SuggestName(std::string_view name, const std::vector<std::string>& candidates,
                        const std::string& what) {
  if (candidates.empty()) return "";
  std::string closest = ClosestName(name, candidates);
  if (!closest.empty()) return fmt::format("; did you mean '{}'?", closest);
  return fmt::format("; {}: {}", what, fmt::join(candidates, ", "));
}

}  // namespace sluice::sql
