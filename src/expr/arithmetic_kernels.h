#pragma once

#include <string>

#include "expr/expr_node.h"

namespace sluice::expr {

/// Kernels of + - * / % and NEGATE over operands already converted to one domain: int64
/// (integers, DECIMALs of equal scale, TIMESTAMP/INTERVAL millis) or double. Integer results of
/// type INT wrap to 32 bits as Java ints do; integer division or modulo by zero is kDataError.
class ArithmeticKernels {
 public:
  /// Returns the kernel for `op` over int64 (`floating` false) or double operands.
  static Kernel Binary(const std::string& op, bool floating);
  static Kernel Negate(bool floating);
  /// DECIMAL division: result = a * 10^shift / b, rounded HALF_UP; state DecimalDivideState.
  static Kernel DecimalDivide();
  /// DATE ± INTERVAL (whole days of the interval).
  static Kernel DateAddInterval(bool subtract);
  /// Rescales DECIMAL / multiplies results: divides by 10^shift HALF_UP; state DecimalDivideState.
  static Kernel DecimalDownscale();

  struct DecimalDivideState : KernelState {
    explicit DecimalDivideState(int s) : shift(s) {}
    int shift;
  };
};

}  // namespace sluice::expr
