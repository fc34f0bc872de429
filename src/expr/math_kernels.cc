#include "expr/math_kernels.h"

#include <cmath>

#include "common/civil_time.h"
#include "expr/column_loops.h"
#include "expr/expr_compiler.h"
#include "expr/function_node.h"

namespace sluice::expr {
namespace {

struct ScaleState : KernelState {
  explicit ScaleState(int s) : scale(s) {}
  int scale;  // the argument's DECIMAL scale (0 for integers)
};

int Scale(const KernelArgs& k) { return static_cast<const ScaleState*>(k.state)->scale; }

// Rounds unscaled `v` (scale `s`) to `d` fraction digits HALF_UP, keeping scale `s`.
int64_t RoundScaled(int64_t v, int s, int64_t d) {
  if (d >= s) return v;
  if (s - d > 18) return 0;
  int64_t f = DecimalScaleFactor(static_cast<int>(s - d));
  int64_t q = v / f, r = v % f;
  if (2 * (r < 0 ? -r : r) >= f) q += v < 0 ? -1 : 1;
  return q * f;
}

double RoundDouble(double x, int64_t d) {
  if (!std::isfinite(x)) return x;
  double f = std::pow(10.0, static_cast<double>(d));
  return std::round(x * f) / f;  // std::round: halves away from zero, i.e. HALF_UP
}

Status AbsKernel(const KernelArgs& k, Column* out) {
  if (out->physical() == PhysicalType::kDouble) {
    UnaryLoop<double>(k.args[0], k.rows, out->doubles().data(),
                      [](double v) { return std::fabs(v); });
  } else {
    UnaryLoop<int64_t>(k.args[0], k.rows, out->ints().data(), [](int64_t v) {
      return v < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(v)) : v;
    });
    if (out->type().id == TypeId::kInt) {
      for (int64_t& v : out->ints()) v = static_cast<int32_t>(v);
    }
  }
  return Status::Ok();
}

Status RoundKernel(const KernelArgs& k, Column* out) {
  const Operand& x = k.args[0];
  const Operand* d = k.args.size() > 1 ? &k.args[1] : nullptr;
  const int s = Scale(k);
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    int64_t digits = d ? d->column->ints()[d->Index(i)] : 0;
    if (out->physical() == PhysicalType::kDouble) {
      out->doubles()[i] = RoundDouble(x.column->doubles()[x.Index(i)], digits);
    } else {
      out->ints()[i] = RoundScaled(x.column->ints()[x.Index(i)], s, digits);
    }
  }
  return Status::Ok();
}

template <bool kCeil>
Status FloorCeilKernel(const KernelArgs& k, Column* out) {
  if (out->physical() == PhysicalType::kDouble) {
    UnaryLoop<double>(k.args[0], k.rows, out->doubles().data(),
                      [](double v) { return kCeil ? std::ceil(v) : std::floor(v); });
    return Status::Ok();
  }
  int64_t f = DecimalScaleFactor(Scale(k));
  UnaryLoop<int64_t>(k.args[0], k.rows, out->ints().data(),
                     [f](int64_t v) { return kCeil ? -FloorDiv(-v, f) : FloorDiv(v, f); });
  return Status::Ok();
}

Status PowerKernel(const KernelArgs& k, Column* out) {
  BinaryLoop<double, double>(k.args[0], k.args[1], k.rows, out->doubles().data(),
                             [](double a, double b) { return std::pow(a, b); });
  return Status::Ok();
}

}  // namespace

Result<ExprNodePtr> MathKernels::Compile(const std::string& name, std::vector<ExprNodePtr> args,
                                         const LogicalType& type) {
  if (name == "POWER") {
    for (auto& a : args) {
      ASSIGN_OR_RETURN(a, ExprCompiler::Coerce(std::move(a), LogicalType::Double()));
    }
    return ExprNodePtr(std::make_unique<FunctionNode>(type, PowerKernel, std::move(args)));
  }
  ASSIGN_OR_RETURN(
      args[0], ExprCompiler::Coerce(std::move(args[0]),
                                    type.id == TypeId::kDecimal && name != "ROUND" && name != "ABS"
                                        ? args[0]->type()
                                        : type));
  if (args.size() > 1) {
    ASSIGN_OR_RETURN(args[1], ExprCompiler::Coerce(std::move(args[1]), LogicalType::BigInt()));
  }
  const LogicalType& t = args[0]->type();
  auto state = std::make_unique<ScaleState>(t.id == TypeId::kDecimal ? t.scale : 0);
  Kernel kernel = name == "ABS"     ? AbsKernel
                  : name == "ROUND" ? RoundKernel
                  : name == "CEIL"  ? FloorCeilKernel<true>
                                    : FloorCeilKernel<false>;
  return ExprNodePtr(
      std::make_unique<FunctionNode>(type, kernel, std::move(args), std::move(state)));
}

}  // namespace sluice::expr
