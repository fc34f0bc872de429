#pragma once

#include <cstdint>
#include <vector>

namespace sluice::expr {

/// Row indexes of a batch that are still selected, ascending. Filters narrow it; expressions
/// evaluate only the rows it names.
using SelectionVector = std::vector<uint32_t>;

}  // namespace sluice::expr
