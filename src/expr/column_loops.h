#pragma once

#include <cstdint>
#include <string_view>

#include "expr/expr_node.h"

namespace sluice::expr {

/// Typed access to the values of an Operand, for kernels.
template <typename T>
const T* ValuesOf(const Operand& o);
template <>
inline const int64_t* ValuesOf<int64_t>(const Operand& o) {
  return o.column->ints().data();
}
template <>
inline const double* ValuesOf<double>(const Operand& o) {
  return o.column->doubles().data();
}
template <>
inline const uint8_t* ValuesOf<uint8_t>(const Operand& o) {
  return o.column->bools().data();
}
template <>
inline const std::string_view* ValuesOf<std::string_view>(const Operand& o) {
  return o.column->strings().data();
}

/// Runs out[i] = op(a[i], b[i]) for i < n, with a constant side read once, in loops the compiler
/// can vectorize.
template <typename A, typename B, typename R, typename Op>
void BinaryLoop(const Operand& a, const Operand& b, size_t n, R* out, Op op) {
  const A* pa = ValuesOf<A>(a);
  const B* pb = ValuesOf<B>(b);
  if (a.constant && !b.constant) {
    const A x = pa[0];
    for (size_t i = 0; i < n; ++i) out[i] = op(x, pb[i]);
  } else if (!a.constant && b.constant) {
    const B y = pb[0];
    for (size_t i = 0; i < n; ++i) out[i] = op(pa[i], y);
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = op(pa[i], pb[i]);
  }
}

/// Runs out[i] = op(a[i]) for i < n.
template <typename A, typename R, typename Op>
void UnaryLoop(const Operand& a, size_t n, R* out, Op op) {
  const A* pa = ValuesOf<A>(a);
  for (size_t i = 0; i < n; ++i) out[i] = op(pa[a.Index(i)]);
}

}  // namespace sluice::expr
