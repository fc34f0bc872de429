#pragma once

#include "expr/expr_node.h"

namespace sluice::expr {

/// The CAST / TRY_CAST kernel between any two castable types, with Flink's conversions:
/// DECIMAL rounding HALF_UP (a value that does not fit the precision becomes NULL), numeric to
/// integer truncation toward zero, strings parsed after trimming spaces (an unparseable string
/// is kDataError for CAST and NULL for TRY_CAST), values to strings as Flink prints them.
class CastKernels {
 public:
  struct CastState : KernelState {
    CastState(LogicalType f, LogicalType t, bool try_cast) : from(f), to(t), try_cast(try_cast) {}
    LogicalType from;
    LogicalType to;
    bool try_cast;
  };

  /// Returns the kernel; its FunctionNode takes the state above.
  static Kernel Cast();
};

}  // namespace sluice::expr
