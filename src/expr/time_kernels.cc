#include "expr/time_kernels.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "common/civil_time.h"
#include "expr/column_loops.h"
#include "expr/date_time_pattern.h"
#include "expr/expr_compiler.h"
#include "expr/function_node.h"

namespace sluice::expr {
namespace {

constexpr const char* kDefaultFormat = "yyyy-MM-dd HH:mm:ss";

struct TimeState : KernelState {
  std::optional<DateTimePattern> pattern;  // literal or default format
  int format_arg = -1;                     // index of a non-literal format argument
  int64_t factor = 1;                      // TO_TIMESTAMP_LTZ: millis per unit
  std::string unit;                        // TIMESTAMPDIFF
};

const TimeState& TimeArgs(const KernelArgs& k) { return *static_cast<const TimeState*>(k.state); }

// Returns the pattern for row i: the compiled one, or one compiled from the row's argument.
const DateTimePattern* PatternFor(const KernelArgs& k, size_t i,
                                  std::optional<DateTimePattern>* scratch) {
  const TimeState& st = TimeArgs(k);
  if (st.format_arg < 0) return st.pattern ? &*st.pattern : nullptr;
  const Operand& f = k.args[static_cast<size_t>(st.format_arg)];
  scratch->emplace(f.column->strings()[f.Index(i)]);
  return &**scratch;
}

Status NowKernel(const KernelArgs& k, Column* out) {
  int64_t now = k.context.processing_time_ms;
  int64_t v = out->type().id == TypeId::kDate ? FloorDiv(now, kMillisPerDay) : now;
  std::fill(out->ints().begin(), out->ints().end(), v);
  return Status::Ok();
}

Status ToTimestampKernel(const KernelArgs& k, Column* out) {
  std::optional<DateTimePattern> scratch;
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = k.args[0].column->strings()[k.args[0].Index(i)];
    const DateTimePattern* p = PatternFor(k, i, &scratch);
    std::optional<int64_t> v = p ? p->Parse(s) : ParseTimestamp(s);
    if (v)
      out->ints()[i] = *v;
    else
      out->SetNull(i);  // unparseable text is NULL, as in Flink
  }
  return Status::Ok();
}

Status ToTimestampLtzKernel(const KernelArgs& k, Column* out) {
  int64_t f = TimeArgs(k).factor;
  UnaryLoop<int64_t>(k.args[0], k.rows, out->ints().data(), [f](int64_t v) { return v * f; });
  return Status::Ok();
}

Status UnixTimestampKernel(const KernelArgs& k, Column* out) {
  if (k.args.empty()) {
    std::fill(out->ints().begin(), out->ints().end(), FloorDiv(k.context.processing_time_ms, 1000));
    return Status::Ok();
  }
  RETURN_IF_ERROR(ToTimestampKernel(k, out));
  for (size_t i = 0; i < k.rows; ++i) out->ints()[i] = FloorDiv(out->ints()[i], 1000);
  return Status::Ok();
}

// FROM_UNIXTIME (seconds) and DATE_FORMAT (TIMESTAMP millis or a timestamp string).
template <bool kSeconds>
Status FormatKernel(const KernelArgs& k, Column* out) {
  std::optional<DateTimePattern> scratch;
  StringArena& arena = out->own_arena();
  std::string text;
  const Operand& a = k.args[0];
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    int64_t millis;
    if (a.column->physical() == PhysicalType::kString) {
      auto v = ParseTimestamp(a.column->strings()[a.Index(i)]);
      if (!v) {
        out->SetNull(i);
        continue;
      }
      millis = *v;
    } else {
      millis = a.column->ints()[a.Index(i)] * (kSeconds ? 1000 : 1);
    }
    text.clear();
    PatternFor(k, i, &scratch)->Format(millis, &text);
    out->strings()[i] = arena.Add(text);
  }
  return Status::Ok();
}

int64_t MonthsBetween(int64_t a, int64_t b) {
  auto split = [](int64_t ms, int64_t* months, int64_t* rest) {
    int64_t days = FloorDiv(ms, kMillisPerDay);
    std::string d = FormatDate(days);
    int64_t y = std::stoll(d.substr(0, d.size() - 6));
    int64_t m = std::stoll(d.substr(d.size() - 5, 2));
    int64_t day = std::stoll(d.substr(d.size() - 2));
    *months = y * 12 + m - 1;
    *rest = (day - 1) * kMillisPerDay + (ms - days * kMillisPerDay);  // offset into the month
  };
  int64_t ma, ra, mb, rb;
  split(a, &ma, &ra);
  split(b, &mb, &rb);
  int64_t months = mb - ma;
  if (months > 0 && rb < ra) --months;
  if (months < 0 && rb > ra) ++months;
  return months;
}

// HOUR(ts): the hour of day, 0-23, of a TIMESTAMP (UTC for TIMESTAMP_LTZ).
Status HourKernel(const KernelArgs& k, Column* out) {
  const Operand& a = k.args[0];
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    const int64_t ms = a.column->ints()[a.Index(i)];
    out->ints()[i] = ((ms % kMillisPerDay) + kMillisPerDay) % kMillisPerDay / 3'600'000;
  }
  return Status::Ok();
}

Status TimestampDiffKernel(const KernelArgs& k, Column* out) {
  const std::string& unit = TimeArgs(k).unit;
  const Operand &a = k.args[1], &b = k.args[2];
  int64_t per = unit == "SECOND"   ? 1000
                : unit == "MINUTE" ? 60'000
                : unit == "HOUR"   ? 3'600'000
                : unit == "DAY"    ? kMillisPerDay
                : unit == "WEEK"   ? 7 * kMillisPerDay
                                   : 0;
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    int64_t x = a.column->ints()[a.Index(i)], y = b.column->ints()[b.Index(i)];
    int64_t v;
    if (per > 0) {
      v = (y - x) / per;  // truncates toward zero
    } else {
      int64_t months = MonthsBetween(x, y);
      v = unit == "MONTH" ? months : unit == "QUARTER" ? months / 3 : months / 12;
    }
    out->ints()[i] = static_cast<int32_t>(v);
  }
  return Status::Ok();
}

const sql::BoundExpr* LiteralArg(const sql::BoundExpr& expr, size_t i) {
  if (i >= expr.args.size()) return nullptr;
  const sql::BoundExpr& a = *expr.args[i];
  return a.kind == sql::BoundExprKind::kLiteral ? &a : nullptr;
}

// Sets the state's pattern from argument `i` (a literal) or marks it per row.
void SetPattern(const sql::BoundExpr& expr, size_t i, TimeState* st, bool has_default) {
  if (i >= expr.args.size()) {
    if (has_default) st->pattern.emplace(kDefaultFormat);
    return;
  }
  const sql::BoundExpr* lit = LiteralArg(expr, i);
  if (lit && !lit->literal.is_null())
    st->pattern.emplace(lit->literal.as_string());
  else
    st->format_arg = static_cast<int>(i);
}

Status Unsupported(const sql::BoundExpr& expr, const std::string& why) {
  return Status::PlanError(fmt::format("{}: {}", expr.function, why));
}

}  // namespace

bool TimeKernels::Handles(const std::string& n) {
  return n == "TO_TIMESTAMP" || n == "TO_TIMESTAMP_LTZ" || n == "FROM_UNIXTIME" ||
         n == "UNIX_TIMESTAMP" || n == "DATE_FORMAT" || n == "TIMESTAMPDIFF" ||
         n == "CURRENT_TIMESTAMP" || n == "NOW" || n == "PROCTIME" || n == "LOCALTIMESTAMP" ||
         n == "CURRENT_DATE" || n == "HOUR";
}

Result<ExprNodePtr> TimeKernels::Compile(const sql::BoundExpr& expr, std::vector<ExprNodePtr> args,
                                         const LogicalType& type) {
  const std::string& n = expr.function;
  auto st = std::make_unique<TimeState>();
  Kernel kernel = NowKernel;
  auto coerce = [&](size_t i, const LogicalType& t) -> Status {
    ASSIGN_OR_RETURN(args[i], ExprCompiler::Coerce(std::move(args[i]), t));
    return Status::Ok();
  };
  if (n == "TO_TIMESTAMP" || n == "UNIX_TIMESTAMP") {
    kernel = n == "TO_TIMESTAMP" ? ToTimestampKernel : UnixTimestampKernel;
    if (!args.empty()) {
      for (size_t i = 0; i < args.size(); ++i) RETURN_IF_ERROR(coerce(i, LogicalType::String()));
      SetPattern(expr, 1, st.get(), n == "UNIX_TIMESTAMP");
    }
  } else if (n == "TO_TIMESTAMP_LTZ") {
    kernel = ToTimestampLtzKernel;
    int64_t precision = 3;
    if (args.size() > 1) {
      const sql::BoundExpr* lit = LiteralArg(expr, 1);
      if (!lit || lit->literal.is_null()) return Unsupported(expr, "the precision must be 0 or 3");
      precision = lit->literal.as_int();
      args.pop_back();
    }
    if (precision != 0 && precision != 3) return Unsupported(expr, "the precision must be 0 or 3");
    st->factor = precision == 0 ? 1000 : 1;
    RETURN_IF_ERROR(coerce(0, LogicalType::BigInt()));
  } else if (n == "FROM_UNIXTIME" || n == "DATE_FORMAT") {
    kernel = n == "FROM_UNIXTIME" ? FormatKernel<true> : FormatKernel<false>;
    if (n == "FROM_UNIXTIME") RETURN_IF_ERROR(coerce(0, LogicalType::BigInt()));
    for (size_t i = 1; i < args.size(); ++i) RETURN_IF_ERROR(coerce(i, LogicalType::String()));
    SetPattern(expr, 1, st.get(), true);
  } else if (n == "HOUR") {
    kernel = HourKernel;
  } else if (n == "TIMESTAMPDIFF") {
    kernel = TimestampDiffKernel;
    const sql::BoundExpr* lit = LiteralArg(expr, 0);
    if (!lit || lit->literal.is_null()) return Unsupported(expr, "the unit must be a literal");
    st->unit = lit->literal.as_string();
    static const char* kUnits[] = {"SECOND", "MINUTE", "HOUR",    "DAY",
                                   "WEEK",   "MONTH",  "QUARTER", "YEAR"};
    if (std::none_of(std::begin(kUnits), std::end(kUnits),
                     [&](const char* u) { return st->unit == u; })) {
      return Unsupported(expr, fmt::format("unknown unit {}; expected SECOND, MINUTE, HOUR, DAY, "
                                           "WEEK, MONTH, QUARTER or YEAR",
                                           st->unit));
    }
    for (size_t i = 1; i < 3; ++i) {
      if (args[i]->type().id == TypeId::kDate || args[i]->type().id == TypeId::kNull) {
        RETURN_IF_ERROR(coerce(i, LogicalType::Timestamp(3)));
      }
    }
  }
  return ExprNodePtr(std::make_unique<FunctionNode>(type, kernel, std::move(args), std::move(st)));
}

}  // namespace sluice::expr
