#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/source_pos.h"

namespace sluice::sql {

/// Returns a kPlanError whose message is "<file>:<line>:<col>: <what>". Thread-safe.
Status PlanErrorAt(const std::string& file, SourcePos pos, const std::string& what);

/// Returns the candidate closest to `name` by edit distance when it is close enough to be a
/// likely typo (at most 2 edits, and at most half of the name's length), else "".
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

/// Returns "; did you mean 'x'?" for the closest candidate, or "; <what>: a, b, c" listing all of
/// them when none is close (empty when there are no candidates).
std::string SuggestName(std::string_view name, const std::vector<std::string>& candidates,
                        const std::string& what);

}  // namespace sluice::sql
