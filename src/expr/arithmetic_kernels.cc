#include "expr/arithmetic_kernels.h"

#include <cmath>

#include "common/civil_time.h"
#include "expr/column_loops.h"

namespace sluice::expr {
namespace {

int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t WrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
int64_t WrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

void WrapToInt32(Column* out) {
  if (out->type().id != TypeId::kInt) return;
  for (int64_t& v : out->ints()) v = static_cast<int32_t>(v);
}

template <typename Op>
Status IntKernel(const KernelArgs& k, Column* out) {
  BinaryLoop<int64_t, int64_t>(k.args[0], k.args[1], k.rows, out->ints().data(), Op());
  WrapToInt32(out);
  return Status::Ok();
}

template <typename Op>
Status DoubleKernel(const KernelArgs& k, Column* out) {
  BinaryLoop<double, double>(k.args[0], k.args[1], k.rows, out->doubles().data(), Op());
  return Status::Ok();
}

struct AddOp {
  int64_t operator()(int64_t a, int64_t b) const { return WrapAdd(a, b); }
  double operator()(double a, double b) const { return a + b; }
};
struct SubOp {
  int64_t operator()(int64_t a, int64_t b) const { return WrapSub(a, b); }
  double operator()(double a, double b) const { return a - b; }
};
struct MulOp {
  int64_t operator()(int64_t a, int64_t b) const { return WrapMul(a, b); }
  double operator()(double a, double b) const { return a * b; }
};
struct DivOp {
  double operator()(double a, double b) const { return a / b; }
};
struct ModOp {
  double operator()(double a, double b) const { return std::fmod(a, b); }
};

// Integer / and %: a zero divisor on a non-NULL row is an error; -1 avoids INT64_MIN overflow.
template <bool kModulo>
Status IntDivideKernel(const KernelArgs& k, Column* out) {
  const Operand &a = k.args[0], &b = k.args[1];
  const int64_t* pa = a.column->ints().data();
  const int64_t* pb = b.column->ints().data();
  int64_t* po = out->ints().data();
  for (size_t i = 0; i < k.rows; ++i) {
    int64_t x = pa[a.Index(i)], y = pb[b.Index(i)];
    if (y == 0) {
      if (out->IsNull(i)) continue;
      return Status::DataError("division by zero");
    }
    if (y == -1)
      po[i] = kModulo ? 0 : WrapSub(0, x);
    else
      po[i] = kModulo ? x % y : x / y;
  }
  WrapToInt32(out);
  return Status::Ok();
}

int64_t DivideHalfUp(__int128 num, __int128 den) {
  __int128 q = num / den, r = num % den;
  if (r < 0) r = -r;
  __int128 d = den < 0 ? -den : den;
  if (2 * r >= d) q += ((num < 0) != (den < 0)) ? -1 : 1;
  return static_cast<int64_t>(q);
}

Status DecimalDivideKernel(const KernelArgs& k, Column* out) {
  const auto* st = static_cast<const ArithmeticKernels::DecimalDivideState*>(k.state);
  const Operand &a = k.args[0], &b = k.args[1];
  __int128 factor = 1;
  for (int i = 0; i < st->shift; ++i) factor *= 10;
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    int64_t y = b.column->ints()[b.Index(i)];
    if (y == 0) return Status::DataError("division by zero");
    out->ints()[i] = DivideHalfUp(a.column->ints()[a.Index(i)] * factor, y);
  }
  return Status::Ok();
}

Status DecimalDownscaleKernel(const KernelArgs& k, Column* out) {
  const auto* st = static_cast<const ArithmeticKernels::DecimalDivideState*>(k.state);
  int64_t factor = DecimalScaleFactor(st->shift);
  const Operand& a = k.args[0];
  for (size_t i = 0; i < k.rows; ++i) {
    out->ints()[i] = DivideHalfUp(a.column->ints()[a.Index(i)], factor);
  }
  return Status::Ok();
}

Status NegateInt(const KernelArgs& k, Column* out) {
  UnaryLoop<int64_t>(k.args[0], k.rows, out->ints().data(),
                     [](int64_t v) { return WrapSub(0, v); });
  WrapToInt32(out);
  return Status::Ok();
}

Status NegateDouble(const KernelArgs& k, Column* out) {
  UnaryLoop<double>(k.args[0], k.rows, out->doubles().data(), [](double v) { return -v; });
  return Status::Ok();
}

template <bool kSubtract>
Status DateAddIntervalKernel(const KernelArgs& k, Column* out) {
  BinaryLoop<int64_t, int64_t>(k.args[0], k.args[1], k.rows, out->ints().data(),
                               [](int64_t days, int64_t millis) {
                                 int64_t d = FloorDiv(millis, kMillisPerDay);
                                 return kSubtract ? days - d : days + d;
                               });
  return Status::Ok();
}

}  // namespace

Kernel ArithmeticKernels::Binary(const std::string& op, bool floating) {
  if (floating) {
    if (op == "+") return DoubleKernel<AddOp>;
    if (op == "-") return DoubleKernel<SubOp>;
    if (op == "*") return DoubleKernel<MulOp>;
    if (op == "/") return DoubleKernel<DivOp>;
    return DoubleKernel<ModOp>;
  }
  if (op == "+") return IntKernel<AddOp>;
  if (op == "-") return IntKernel<SubOp>;
  if (op == "*") return IntKernel<MulOp>;
  if (op == "/") return IntDivideKernel<false>;
  return IntDivideKernel<true>;
}

Kernel ArithmeticKernels::Negate(bool floating) { return floating ? NegateDouble : NegateInt; }
Kernel ArithmeticKernels::DecimalDivide() { return DecimalDivideKernel; }
Kernel ArithmeticKernels::DecimalDownscale() { return DecimalDownscaleKernel; }
Kernel ArithmeticKernels::DateAddInterval(bool subtract) {
  return subtract ? DateAddIntervalKernel<true> : DateAddIntervalKernel<false>;
}

}  // namespace sluice::expr
