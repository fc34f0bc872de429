#pragma once

#include <string>

namespace sluice::sql {

/// A 1-based line and column in a pipeline file.
struct SourcePos {
  int line = 0;
  int column = 0;
};

}  // namespace sluice::sql
