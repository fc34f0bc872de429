#include "expr/cast_kernels.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "common/civil_time.h"
#include "expr/column_loops.h"
#include "types/cell_text.h"
#include "types/json_value_writer.h"

namespace sluice::expr {
namespace {

using CastState = CastKernels::CastState;

bool FitsPrecision(int64_t unscaled, int precision) {
  if (precision >= 19) return true;
  int64_t limit = DecimalScaleFactor(precision);
  return unscaled < limit && unscaled > -limit;
}

int64_t RescaleHalfUp(int64_t v, int from_scale, int to_scale) {
  if (to_scale >= from_scale) {
    return static_cast<int64_t>(static_cast<__int128>(v) *
                                DecimalScaleFactor(to_scale - from_scale));
  }
  int64_t f = DecimalScaleFactor(from_scale - to_scale);
  int64_t q = v / f, r = v % f;
  if (2 * (r < 0 ? -r : r) >= f) q += v < 0 ? -1 : 1;
  return q;
}

int64_t DoubleToInteger(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (d <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);  // truncates toward zero
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

// Parses a decimal number text into an unscaled value at `scale`, rounding HALF_UP.
std::optional<int64_t> ParseDecimal(std::string_view s, int scale) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  __int128 v = 0;
  int frac = 0;
  bool dot = false, digits = false, round_up = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    digits = true;
    if (dot && frac == scale) {
      if (frac == scale && !round_up && i > 0) round_up = c >= '5';
      frac = scale + 1;  // ignore later digits
      continue;
    }
    if (dot && frac > scale) continue;
    v = v * 10 + (c - '0');
    if (dot) ++frac;
    if (v > (__int128{1} << 100)) return std::nullopt;
  }
  if (!digits) return std::nullopt;
  for (int f = std::min(frac, scale); f < scale; ++f) v *= 10;
  if (round_up) v += 1;
  if (v > std::numeric_limits<int64_t>::max()) return std::nullopt;
  return static_cast<int64_t>(neg ? -v : v);
}

// Parses `s` as a value of `to` into row `i` of `out`; false when it is not such a value.
bool ParseInto(std::string_view s, const LogicalType& to, Column* out, size_t i) {
  s = Trim(s);
  switch (to.id) {
    case TypeId::kInt:
    case TypeId::kBigInt: {
      int64_t v;
      auto r = std::from_chars(s.data() + (!s.empty() && s[0] == '+'), s.data() + s.size(), v);
      if (r.ec != std::errc() || r.ptr != s.data() + s.size() || s.empty()) return false;
      if (to.id == TypeId::kInt && (v < INT32_MIN || v > INT32_MAX)) return false;
      out->ints()[i] = v;
      return true;
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double v;
      auto r = std::from_chars(s.data() + (!s.empty() && s[0] == '+'), s.data() + s.size(), v);
      if (r.ec != std::errc() || r.ptr != s.data() + s.size() || s.empty()) return false;
      out->doubles()[i] = to.id == TypeId::kFloat ? static_cast<float>(v) : v;
      return true;
    }
    case TypeId::kDecimal: {
      auto v = ParseDecimal(s, to.scale);
      if (!v) return false;
      if (!FitsPrecision(*v, to.precision))
        out->SetNull(i);
      else
        out->ints()[i] = *v;
      return true;
    }
    case TypeId::kBoolean: {
      for (const char* t : {"true", "t", "yes", "y", "1"}) {
        if (EqualsIgnoreCase(s, t)) return out->bools()[i] = 1, true;
      }
      for (const char* f : {"false", "f", "no", "n", "0"}) {
        if (EqualsIgnoreCase(s, f)) return out->bools()[i] = 0, true;
      }
      return false;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      auto v = ParseTimestamp(s);
      if (!v) return false;
      out->ints()[i] = *v;
      return true;
    }
    case TypeId::kDate: {
      auto v = ParseDate(s);
      if (!v) {
        auto ts = ParseTimestamp(s);
        if (!ts) return false;
        v = FloorDiv(*ts, kMillisPerDay);
      }
      out->ints()[i] = *v;
      return true;
    }
    default:
      return false;
  }
}

Status FromString(const KernelArgs& k, const CastState& st, Column* out) {
  const Operand& a = k.args[0];
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = a.column->strings()[a.Index(i)];
    if (ParseInto(s, st.to, out, i)) continue;
    if (st.try_cast) {
      out->SetNull(i);
      continue;
    }
    return Status::DataError(
        fmt::format("cannot cast '{}' to {}", s, st.to.WithNullable(true).ToString()));
  }
  return Status::Ok();
}

Status ToString(const KernelArgs& k, const CastState& st, Column* out) {
  const Operand& a = k.args[0];
  std::string text;
  StringArena& arena = out->own_arena();
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    size_t r = a.Index(i);
    if (st.from.id == TypeId::kBoolean) {
      out->strings()[i] = a.column->bools()[r] ? "TRUE" : "FALSE";
      continue;
    }
    text.clear();
    AppendCellText(*a.column, r, &text);
    out->strings()[i] = arena.Add(text);
  }
  return Status::Ok();
}

// Reads row r of a numeric or boolean operand as an unscaled value at `scale`.
int64_t ExactAt(const Operand& a, const LogicalType& from, size_t r, int scale, bool* fits) {
  *fits = true;
  switch (from.id) {
    case TypeId::kBoolean:
      return a.column->bools()[r] ? DecimalScaleFactor(scale) : 0;
    case TypeId::kDecimal:
      return RescaleHalfUp(a.column->ints()[r], from.scale, scale);
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double d =
          std::round(a.column->doubles()[r] * static_cast<double>(DecimalScaleFactor(scale)));
      *fits = std::isfinite(d) && std::fabs(d) < 9.2e18;
      return *fits ? static_cast<int64_t>(d) : 0;
    }
    default: {
      __int128 v = static_cast<__int128>(a.column->ints()[r]) * DecimalScaleFactor(scale);
      *fits = v < INT64_MAX && v > INT64_MIN;
      return static_cast<int64_t>(v);
    }
  }
}

Status ToDecimal(const KernelArgs& k, const CastState& st, Column* out) {
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    bool fits;
    int64_t v = ExactAt(k.args[0], st.from, k.args[0].Index(i), st.to.scale, &fits);
    if (!fits || !FitsPrecision(v, st.to.precision))
      out->SetNull(i);
    else
      out->ints()[i] = v;
  }
  return Status::Ok();
}

Status ToInteger(const KernelArgs& k, const CastState& st, Column* out) {
  const Operand& a = k.args[0];
  int64_t* po = out->ints().data();
  switch (st.from.id) {
    case TypeId::kBoolean:
      UnaryLoop<uint8_t>(a, k.rows, po, [](uint8_t v) -> int64_t { return v; });
      break;
    case TypeId::kFloat:
    case TypeId::kDouble:
      UnaryLoop<double>(a, k.rows, po, DoubleToInteger);
      break;
    case TypeId::kDecimal: {
      int64_t f = DecimalScaleFactor(st.from.scale);
      UnaryLoop<int64_t>(a, k.rows, po, [f](int64_t v) { return v / f; });
      break;
    }
    default:
      UnaryLoop<int64_t>(a, k.rows, po, [](int64_t v) { return v; });
      break;
  }
  if (st.to.id == TypeId::kInt) {
    for (size_t i = 0; i < k.rows; ++i) po[i] = static_cast<int32_t>(po[i]);
  }
  return Status::Ok();
}

Status ToDouble(const KernelArgs& k, const CastState& st, Column* out) {
  const Operand& a = k.args[0];
  double* po = out->doubles().data();
  switch (st.from.id) {
    case TypeId::kBoolean:
      UnaryLoop<uint8_t>(a, k.rows, po, [](uint8_t v) -> double { return v; });
      break;
    case TypeId::kFloat:
    case TypeId::kDouble:
      UnaryLoop<double>(a, k.rows, po, [](double v) { return v; });
      break;
    case TypeId::kDecimal: {
      double f = static_cast<double>(DecimalScaleFactor(st.from.scale));
      UnaryLoop<int64_t>(a, k.rows, po, [f](int64_t v) { return static_cast<double>(v) / f; });
      break;
    }
    default:
      UnaryLoop<int64_t>(a, k.rows, po, [](int64_t v) { return static_cast<double>(v); });
      break;
  }
  if (st.to.id == TypeId::kFloat) {
    for (size_t i = 0; i < k.rows; ++i) po[i] = static_cast<float>(po[i]);
  }
  return Status::Ok();
}

Status ToBoolean(const KernelArgs& k, const CastState& st, Column* out) {
  const Operand& a = k.args[0];
  if (st.from.id == TypeId::kBoolean) {
    UnaryLoop<uint8_t>(a, k.rows, out->bools().data(), [](uint8_t v) { return v; });
  } else {
    UnaryLoop<int64_t>(a, k.rows, out->bools().data(), [](int64_t v) -> uint8_t { return v != 0; });
  }
  return Status::Ok();
}

int64_t TruncateToPrecision(int64_t millis, int precision) {
  if (precision >= 3) return millis;
  int64_t unit = precision == 0 ? 1000 : precision == 1 ? 100 : 10;
  return FloorDiv(millis, unit) * unit;
}

Status ToTime(const KernelArgs& k, const CastState& st, Column* out) {
  const Operand& a = k.args[0];
  int64_t* po = out->ints().data();
  bool from_date = st.from.id == TypeId::kDate;
  if (st.to.id == TypeId::kDate) {
    UnaryLoop<int64_t>(a, k.rows, po, [from_date](int64_t v) {
      return from_date ? v : FloorDiv(v, kMillisPerDay);
    });
    return Status::Ok();
  }
  int p = st.to.precision;
  UnaryLoop<int64_t>(a, k.rows, po, [from_date, p](int64_t v) {
    return from_date ? v * kMillisPerDay : TruncateToPrecision(v, p);
  });
  return Status::Ok();
}

Status CastKernel(const KernelArgs& k, Column* out);

// A nested value as JSON text (a NULL MAP key as "null").
Status NestedToString(const KernelArgs& k, Column* out) {
  const Operand& a = k.args[0];
  const JsonValueWriter writer;
  std::string text;
  StringArena& arena = out->own_arena();
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    text.clear();
    RETURN_IF_ERROR(writer.Append(*a.column, a.Index(i), &text));
    out->strings()[i] = arena.Add(text);
  }
  return Status::Ok();
}

// Casts every value of `in` (of type `from`) to `to`: scalars with CastKernel, nested values
// child column by child column, then reassembled row by row.
Result<std::shared_ptr<Column>> CastColumn(const ColumnPtr& in, const LogicalType& from,
                                           const LogicalType& to, bool try_cast,
                                           const EvalContext& context) {
  auto out = std::make_shared<Column>(to);
  if (!from.is_nested() || to.id == TypeId::kString) {
    out->Resize(in->size());
    for (size_t i = 0; i < in->size() && in->has_nulls(); ++i) {
      if (in->IsNull(i)) out->SetNull(i);
    }
    const CastState state(from, to, try_cast);
    const std::vector<Operand> args{Operand{in, false}};
    RETURN_IF_ERROR(CastKernel(KernelArgs{args, in->size(), context, &state}, out.get()));
    return out;
  }
  std::vector<std::shared_ptr<Column>> children;
  for (size_t c = 0; c < in->num_children(); ++c) {
    ASSIGN_OR_RETURN(
        auto child, CastColumn(in->shared_child(c), from.child(c), to.child(c), try_cast, context));
    out->child(c).ShareArenasOf(*child);
    children.push_back(std::move(child));
  }
  for (size_t i = 0; i < in->size(); ++i) {
    if (in->IsNull(i)) {
      out->AppendNull();
      continue;
    }
    const bool row = to.id == TypeId::kRow;
    const uint32_t first = row ? static_cast<uint32_t>(i) : in->offsets()[i];
    const uint32_t end = row ? first + 1 : in->offsets()[i + 1];
    for (uint32_t e = first; e < end; ++e) {
      for (size_t c = 0; c < children.size(); ++c) out->child(c).AppendFrom(*children[c], e);
    }
    out->EndNestedValue();
  }
  return out;
}

Status NestedCast(const KernelArgs& k, const CastState& st, Column* out) {
  ASSIGN_OR_RETURN(auto cast,
                   CastColumn(k.args[0].column, st.from, out->type(), st.try_cast, k.context));
  *out = std::move(*cast);
  return Status::Ok();
}

Status CastKernel(const KernelArgs& k, Column* out) {
  const auto& st = *static_cast<const CastState*>(k.state);
  if (st.from.id == TypeId::kNull) return Status::Ok();  // every row is already NULL
  if (st.from.is_nested()) {
    return st.to.id == TypeId::kString ? NestedToString(k, out) : NestedCast(k, st, out);
  }
  if (st.to.id == TypeId::kString) return ToString(k, st, out);
  if (st.from.id == TypeId::kString) return FromString(k, st, out);
  switch (st.to.id) {
    case TypeId::kInt:
    case TypeId::kBigInt:
      return ToInteger(k, st, out);
    case TypeId::kFloat:
    case TypeId::kDouble:
      return ToDouble(k, st, out);
    case TypeId::kDecimal:
      return ToDecimal(k, st, out);
    case TypeId::kBoolean:
      return ToBoolean(k, st, out);
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
    case TypeId::kDate:
      return ToTime(k, st, out);
    case TypeId::kInterval:
      UnaryLoop<int64_t>(k.args[0], k.rows, out->ints().data(), [](int64_t v) { return v; });
      return Status::Ok();
    default:
      break;
  }
  return Status::Internal(
      fmt::format("no cast from {} to {}", st.from.ToString(), st.to.ToString()));
}

}  // namespace

Kernel CastKernels::Cast() { return CastKernel; }

}  // namespace sluice::expr
