#include "expr/comparison_kernels.h"

#include "expr/column_loops.h"
#include "types/cell_equality.h"

namespace sluice::expr {
namespace {

struct Eq {
  template <typename T>
  uint8_t operator()(const T& a, const T& b) const {
    return a == b;
  }
};
struct Ne {
  template <typename T>
  uint8_t operator()(const T& a, const T& b) const {
    return a != b;
  }
};
struct Lt {
  template <typename T>
  uint8_t operator()(const T& a, const T& b) const {
    return a < b;
  }
};
struct Le {
  template <typename T>
  uint8_t operator()(const T& a, const T& b) const {
    return a <= b;
  }
};
struct Gt {
  template <typename T>
  uint8_t operator()(const T& a, const T& b) const {
    return a > b;
  }
};
struct Ge {
  template <typename T>
  uint8_t operator()(const T& a, const T& b) const {
    return a >= b;
  }
};

template <typename T, typename Op>
Status CompareKernel(const KernelArgs& k, Column* out) {
  BinaryLoop<T, T>(k.args[0], k.args[1], k.rows, out->bools().data(), Op());
  return Status::Ok();
}

template <typename T>
Kernel ForOp(const std::string& op) {
  if (op == "=") return CompareKernel<T, Eq>;
  if (op == "<>") return CompareKernel<T, Ne>;
  if (op == "<") return CompareKernel<T, Lt>;
  if (op == "<=") return CompareKernel<T, Le>;
  if (op == ">") return CompareKernel<T, Gt>;
  return CompareKernel<T, Ge>;
}

Status NotKernel(const KernelArgs& k, Column* out) {
  UnaryLoop<uint8_t>(k.args[0], k.rows, out->bools().data(),
                     [](uint8_t v) -> uint8_t { return v ? 0 : 1; });
  return Status::Ok();
}

template <bool kEqual>
Status CellsEqualKernel(const KernelArgs& k, Column* out) {
  const Operand &a = k.args[0], &b = k.args[1];
  uint8_t* po = out->bools().data();
  for (size_t i = 0; i < k.rows; ++i) {
    po[i] = CellEquality::Equal(*a.column, a.Index(i), *b.column, b.Index(i)) == kEqual;
  }
  return Status::Ok();
}

template <bool kNegated>
Status IsNullKernel(const KernelArgs& k, Column* out) {
  const Operand& a = k.args[0];
  uint8_t* po = out->bools().data();
  for (size_t i = 0; i < k.rows; ++i) po[i] = a.IsNull(i) != kNegated;
  return Status::Ok();
}

// Length of the UTF-8 character starting with byte `c`.
size_t Utf8SequenceLength(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xe) return 3;
  if ((c >> 3) == 0x1e) return 4;
  return 1;
}

Status LikeKernel(const KernelArgs& k, Column* out) {
  const Operand &v = k.args[0], &p = k.args[1];
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    out->bools()[i] = ComparisonKernels::LikeMatch(v.column->strings()[v.Index(i)],
                                                   p.column->strings()[p.Index(i)]);
  }
  return Status::Ok();
}

}  // namespace

bool ComparisonKernels::LikeMatch(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = ++pi;
      star_s = si;
    } else if (pi < p.size() && p[pi] == '_') {
      si += Utf8SequenceLength(static_cast<unsigned char>(s[si]));
      ++pi;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++si;
      ++pi;
    } else if (star_p != std::string_view::npos) {
      star_s += Utf8SequenceLength(static_cast<unsigned char>(s[star_s]));
      si = star_s;
      pi = star_p;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size() && si == s.size();
}

Kernel ComparisonKernels::Compare(const std::string& op, PhysicalType physical) {
  switch (physical) {
    case PhysicalType::kInt64:
      return ForOp<int64_t>(op);
    case PhysicalType::kDouble:
      return ForOp<double>(op);
    case PhysicalType::kBool:
      return ForOp<uint8_t>(op);
    case PhysicalType::kString:
      return ForOp<std::string_view>(op);
    case PhysicalType::kNested:  // ROW, ARRAY and MAP values are not comparable
      return nullptr;
  }
  return nullptr;
}

Kernel ComparisonKernels::Not() { return NotKernel; }
Kernel ComparisonKernels::CellsEqual(bool equal) {
  return equal ? CellsEqualKernel<true> : CellsEqualKernel<false>;
}
Kernel ComparisonKernels::IsNull(bool negated) {
  return negated ? IsNullKernel<true> : IsNullKernel<false>;
}
Kernel ComparisonKernels::Like() { return LikeKernel; }

}  // namespace sluice::expr
