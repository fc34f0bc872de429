#include "expr/expr_compiler.h"

#include <fmt/format.h>

#include <algorithm>

#include "expr/arithmetic_kernels.h"
#include "expr/case_node.h"
#include "expr/cast_kernels.h"
#include "expr/comparison_kernels.h"
#include "expr/function_node.h"
#include "expr/json_functions.h"
#include "expr/math_kernels.h"
#include "expr/nested_access.h"
#include "expr/nested_constructor.h"
#include "expr/row_watermark_node.h"
#include "expr/scalar_type_resolver.h"
#include "expr/string_kernels.h"
#include "expr/time_kernels.h"
#include "sql/type_coercion.h"

namespace sluice::expr {
namespace {

class ColumnRefNode final : public ExprNode {
 public:
  ColumnRefNode(LogicalType type, size_t column) : ExprNode(type), column_(column) {}

  Result<Operand> Eval(const EvalInput& in) const override {
    if (column_ >= in.batch->columns.size()) {
      return Status::Internal(fmt::format("column ${} is out of range", column_));
    }
    const ColumnPtr& c = in.batch->columns[column_];
    if (in.selection == nullptr) return Operand{c, false};
    return Operand{GatherColumn(*c, *in.selection), false};
  }

 private:
  size_t column_;
};

class LiteralNode final : public ExprNode {
 public:
  explicit LiteralNode(const Value& v) : ExprNode(v.type) {
    auto c = std::make_shared<Column>(v.type);
    v.AppendTo(c.get());
    column_ = std::move(c);
  }
  Result<Operand> Eval(const EvalInput&) const override { return Operand{column_, true}; }

 private:
  ColumnPtr column_;
};

bool IsFloating(const LogicalType& t) { return t.id == TypeId::kDouble || t.id == TypeId::kFloat; }

ExprNodePtr Call(LogicalType type, Kernel kernel, std::vector<ExprNodePtr> args,
                 std::unique_ptr<KernelState> state = nullptr, bool propagate_nulls = true) {
  return std::make_unique<FunctionNode>(type, kernel, std::move(args), std::move(state),
                                        propagate_nulls);
}

// The type both sides of a comparison are brought to.
LogicalType ComparisonDomain(const LogicalType& a, const LogicalType& b) {
  if (a.id == TypeId::kNull) return b.id == TypeId::kNull ? LogicalType::Boolean() : b;
  if (b.id == TypeId::kNull) return a;
  if (a.is_numeric() && b.is_numeric()) {
    if (IsFloating(a) || IsFloating(b)) return LogicalType::Double();
    if (a.id == TypeId::kDecimal || b.id == TypeId::kDecimal) {
      int scale =
          std::max(a.id == TypeId::kDecimal ? a.scale : 0, b.id == TypeId::kDecimal ? b.scale : 0);
      return LogicalType::Decimal(18, scale);
    }
    return LogicalType::BigInt();
  }
  if (a.id == TypeId::kDate && b.is_timestamp()) return b;
  if (b.id == TypeId::kDate && a.is_timestamp()) return a;
  if (a.is_timestamp() && b.is_timestamp()) return a;  // TIMESTAMP and TIMESTAMP_LTZ: millis
  return a;
}

}  // namespace

Result<ExprNodePtr> ExprCompiler::Coerce(ExprNodePtr node, const LogicalType& to, bool try_cast) {
  const LogicalType& from = node->type();
  if (from.SameAs(to) && !try_cast) return node;
  if (from.id == TypeId::kInt && to.id == TypeId::kBigInt) return node;
  if (from.is_timestamp() && to.is_timestamp() && from.precision <= to.precision) return node;
  if (from.id != TypeId::kNull && !ScalarTypeResolver::CanCast(from, to)) {
    return Status::PlanError(fmt::format("cannot cast {} to {}", from.WithNullable(true).ToString(),
                                         to.WithNullable(true).ToString()));
  }
  LogicalType out = to.WithNullable(true);
  std::vector<ExprNodePtr> args;
  args.push_back(std::move(node));
  return Call(out, CastKernels::Cast(), std::move(args),
              std::make_unique<CastKernels::CastState>(from, to, try_cast));
}

Result<ExprNodePtr> ExprCompiler::Compile(const sql::BoundExpr& expr) {
  switch (expr.kind) {
    case sql::BoundExprKind::kColumnRef:
      return ExprNodePtr(std::make_unique<ColumnRefNode>(expr.type, expr.column));
    case sql::BoundExprKind::kLiteral:
      return ExprNodePtr(std::make_unique<LiteralNode>(expr.literal));
    case sql::BoundExprKind::kCast: {
      ASSIGN_OR_RETURN(ExprNodePtr arg, Compile(*expr.args[0]));
      return Coerce(std::move(arg), expr.type, expr.try_cast);
    }
    case sql::BoundExprKind::kCall:
      break;
  }
  ASSIGN_OR_RETURN(ExprNodePtr node, CompileCall(expr));
  if (expr.type.id == TypeId::kNull || node->type().SameAs(expr.type)) return node;
  return Coerce(std::move(node), expr.type);
}

Result<std::vector<ExprNodePtr>> ExprCompiler::CompileArgs(const sql::BoundExpr& expr) {
  std::vector<ExprNodePtr> args;
  for (const auto& a : expr.args) {
    ASSIGN_OR_RETURN(ExprNodePtr n, Compile(*a));
    args.push_back(std::move(n));
  }
  return args;
}

Result<ExprNodePtr> ExprCompiler::CompileCall(const sql::BoundExpr& expr) {
  const std::string& f = expr.function;
  if (NestedAccess::Handles(f)) {
    ASSIGN_OR_RETURN(std::vector<ExprNodePtr> args, CompileArgs(expr));
    return NestedAccess::Compile(expr, std::move(args));
  }
  if (JsonFunctions::Handles(f)) {
    ASSIGN_OR_RETURN(std::vector<ExprNodePtr> args, CompileArgs(expr));
    return JsonFunctions::Compile(expr, std::move(args));
  }
  if (NestedConstructor::Handles(f)) {
    ASSIGN_OR_RETURN(std::vector<ExprNodePtr> args, CompileArgs(expr));
    return NestedConstructor::Compile(expr, std::move(args));
  }
  std::vector<LogicalType> types;
  for (const auto& a : expr.args) types.push_back(a->type);
  ASSIGN_OR_RETURN(LogicalType type, ScalarTypeResolver::Resolve(f, types));
  if (f == "CASE" || f == "IF" || f == "COALESCE") return Conditional(expr, type);
  if (f == "NULLIF") return NullIf(expr, type);
  if (f == "IN") return In(expr);
  ASSIGN_OR_RETURN(std::vector<ExprNodePtr> args, CompileArgs(expr));
  if (f == "+" || f == "-" || f == "*" || f == "/" || f == "%" || f == "MOD") {
    return Arithmetic(f == "MOD" ? "%" : f, std::move(args), type);
  }
  const bool nested =
      args.size() == 2 && (args[0]->type().is_nested() || args[1]->type().is_nested());
  if (f == "IS_DISTINCT_FROM" || f == "IS_NOT_DISTINCT_FROM" ||
      ((f == "=" || f == "<>") && nested)) {
    return CellComparison(f, std::move(args));
  }
  if (f == "=" || f == "<>" || f == "<" || f == "<=" || f == ">" || f == ">=") {
    return Comparison(f, std::move(args));
  }
  if (f == "AND" || f == "OR") {
    ASSIGN_OR_RETURN(ExprNodePtr l, Coerce(std::move(args[0]), LogicalType::Boolean()));
    ASSIGN_OR_RETURN(ExprNodePtr r, Coerce(std::move(args[1]), LogicalType::Boolean()));
    return ExprNodePtr(std::make_unique<LogicNode>(f == "AND", std::move(l), std::move(r)));
  }
  if (f == "NOT") {
    ASSIGN_OR_RETURN(args[0], Coerce(std::move(args[0]), LogicalType::Boolean()));
    return Call(type, ComparisonKernels::Not(), std::move(args));
  }
  if (f == "IS_NULL" || f == "IS_NOT_NULL") {
    return Call(type, ComparisonKernels::IsNull(f == "IS_NOT_NULL"), std::move(args), nullptr,
                false);
  }
  if (f == "NEGATE") {
    if (args[0]->type().id == TypeId::kNull) {
      ASSIGN_OR_RETURN(args[0], Coerce(std::move(args[0]), type));
    }
    return Call(type, ArithmeticKernels::Negate(IsFloating(type)), std::move(args));
  }
  if (f == "LIKE") {
    for (auto& a : args) {
      ASSIGN_OR_RETURN(a, Coerce(std::move(a), LogicalType::String()));
    }
    return Call(type, ComparisonKernels::Like(), std::move(args));
  }
  if (f == "ABS" || f == "ROUND" || f == "FLOOR" || f == "CEIL" || f == "POWER") {
    return MathKernels::Compile(f, std::move(args), type);
  }
  if (StringKernels::Handles(f)) return StringKernels::Compile(expr, std::move(args), type);
  if (TimeKernels::Handles(f)) return TimeKernels::Compile(expr, std::move(args), type);
  if (f == "CURRENT_WATERMARK") return ExprNodePtr(std::make_unique<RowWatermarkNode>(type));
  return Status::PlanError(fmt::format("function {} has no implementation", f));
}

Result<ExprNodePtr> ExprCompiler::Arithmetic(const std::string& op, std::vector<ExprNodePtr> args,
                                             const LogicalType& type) {
  const LogicalType a = args[0]->type(), b = args[1]->type();
  if (type.id == TypeId::kDate) {
    if (a.id == TypeId::kInterval) std::swap(args[0], args[1]);
    return Call(type, ArithmeticKernels::DateAddInterval(op == "-"), std::move(args));
  }
  if (type.is_timestamp() || type.id == TypeId::kInterval) {
    return Call(type, ArithmeticKernels::Binary(op, false), std::move(args));
  }
  if (IsFloating(type)) {
    for (auto& x : args) {
      ASSIGN_OR_RETURN(x, Coerce(std::move(x), LogicalType::Double()));
    }
    return Call(type, ArithmeticKernels::Binary(op, true), std::move(args));
  }
  if (type.id != TypeId::kDecimal) {
    for (auto& x : args) {
      ASSIGN_OR_RETURN(x, Coerce(std::move(x), LogicalType::BigInt()));
    }
    return Call(type, ArithmeticKernels::Binary(op, false), std::move(args));
  }
  auto scale_of = [](const LogicalType& t) { return t.id == TypeId::kDecimal ? t.scale : 0; };
  if (op == "*" || op == "/") {
    for (auto& x : args) {
      LogicalType t = x->type();
      if (t.id != TypeId::kDecimal) {
        ASSIGN_OR_RETURN(x, Coerce(std::move(x), LogicalType::Decimal(18, 0)));
      }
    }
    int s1 = scale_of(a), s2 = scale_of(b);
    if (op == "/") {
      int shift = type.scale - s1 + s2;
      return Call(type, ArithmeticKernels::DecimalDivide(), std::move(args),
                  std::make_unique<ArithmeticKernels::DecimalDivideState>(shift));
    }
    LogicalType raw = LogicalType::Decimal(18, s1 + s2);
    ExprNodePtr product = Call(raw, ArithmeticKernels::Binary("*", false), std::move(args));
    if (s1 + s2 == type.scale) return product;
    std::vector<ExprNodePtr> one;
    one.push_back(std::move(product));
    return Call(type, ArithmeticKernels::DecimalDownscale(), std::move(one),
                std::make_unique<ArithmeticKernels::DecimalDivideState>(s1 + s2 - type.scale));
  }
  for (auto& x : args) {
    ASSIGN_OR_RETURN(x, Coerce(std::move(x), LogicalType::Decimal(18, type.scale)));
  }
  return Call(type, ArithmeticKernels::Binary(op, false), std::move(args));
}

Result<ExprNodePtr> ExprCompiler::Comparison(const std::string& op, std::vector<ExprNodePtr> args) {
  LogicalType domain = ComparisonDomain(args[0]->type(), args[1]->type());
  for (auto& x : args) {
    const LogicalType& t = x->type();
    bool same_millis = t.is_timestamp() && domain.is_timestamp();
    if (!same_millis) {
      ASSIGN_OR_RETURN(x, Coerce(std::move(x), domain));
    }
  }
  return Call(LogicalType::Boolean(), ComparisonKernels::Compare(op, domain.physical()),
              std::move(args));
}

Result<LogicalType> ExprCompiler::EqualityOperands(std::vector<ExprNodePtr>* args) {
  const LogicalType a = (*args)[0]->type(), b = (*args)[1]->type();
  LogicalType domain = ComparisonDomain(a, b);
  if (a.is_nested() || b.is_nested()) {
    auto common = sql::TypeCoercion::CommonType(a, b);
    if (!common) {
      return Status::PlanError(fmt::format("cannot compare {} with {}",
                                           a.WithNullable(true).ToString(),
                                           b.WithNullable(true).ToString()));
    }
    domain = *common;
  }
  for (auto& x : *args) {
    const LogicalType& t = x->type();
    if (t.is_timestamp() && domain.is_timestamp()) continue;  // both hold milliseconds
    if (t.is_nested() && t.SameAs(domain)) continue;
    ASSIGN_OR_RETURN(x, Coerce(std::move(x), domain));
  }
  return domain;
}

Result<ExprNodePtr> ExprCompiler::CellComparison(const std::string& op,
                                                 std::vector<ExprNodePtr> args) {
  RETURN_IF_ERROR(EqualityOperands(&args).status());
  const bool distinct_from = op == "IS_DISTINCT_FROM" || op == "IS_NOT_DISTINCT_FROM";
  const bool equal = op == "=" || op == "IS_NOT_DISTINCT_FROM";
  LogicalType type = LogicalType::Boolean().WithNullable(!distinct_from);
  return Call(type, ComparisonKernels::CellsEqual(equal), std::move(args), nullptr,
              /*propagate_nulls=*/!distinct_from);
}

Result<ExprNodePtr> ExprCompiler::NullIf(const sql::BoundExpr& expr, const LogicalType& type) {
  ASSIGN_OR_RETURN(std::vector<ExprNodePtr> operands, CompileArgs(expr));
  ASSIGN_OR_RETURN(ExprNodePtr equal, CellComparison("=", std::move(operands)));
  std::vector<ExprNodePtr> conditions, values;
  conditions.push_back(std::move(equal));
  ASSIGN_OR_RETURN(ExprNodePtr null,
                   Coerce(std::make_unique<LiteralNode>(Value::Null(LogicalType::Null())), type));
  values.push_back(std::move(null));
  ASSIGN_OR_RETURN(ExprNodePtr a, Compile(*expr.args[0]));
  ASSIGN_OR_RETURN(a, Coerce(std::move(a), type));
  values.push_back(std::move(a));
  return ExprNodePtr(std::make_unique<CaseNode>(type, std::move(conditions), std::move(values)));
}

Result<ExprNodePtr> ExprCompiler::Conditional(const sql::BoundExpr& expr, const LogicalType& type) {
  std::vector<ExprNodePtr> conditions, values;
  const auto& a = expr.args;
  auto value = [&](const sql::BoundExprPtr& e) -> Status {
    ASSIGN_OR_RETURN(ExprNodePtr n, Compile(*e));
    ASSIGN_OR_RETURN(n, Coerce(std::move(n), type));
    values.push_back(std::move(n));
    return Status::Ok();
  };
  auto condition = [&](const sql::BoundExprPtr& e) -> Status {
    ASSIGN_OR_RETURN(ExprNodePtr n, Compile(*e));
    ASSIGN_OR_RETURN(n, Coerce(std::move(n), LogicalType::Boolean()));
    conditions.push_back(std::move(n));
    return Status::Ok();
  };
  if (expr.function == "COALESCE") {
    for (const auto& e : a) RETURN_IF_ERROR(value(e));
    return ExprNodePtr(std::make_unique<CaseNode>(type, std::move(values)));
  }
  for (size_t i = 0; i + 1 < a.size(); i += 2) {
    RETURN_IF_ERROR(condition(a[i]));
    RETURN_IF_ERROR(value(a[i + 1]));
  }
  RETURN_IF_ERROR(value(a.back()));  // CASE's ELSE; IF's third argument
  return ExprNodePtr(std::make_unique<CaseNode>(type, std::move(conditions), std::move(values)));
}

Result<ExprNodePtr> ExprCompiler::In(const sql::BoundExpr& expr) {
  // x IN (a, b, ...) is x = a OR x = b OR ..., with SQL's three-valued logic.
  sql::BoundExprPtr any;
  for (size_t i = 1; i < expr.args.size(); ++i) {
    auto eq = sql::MakeCall("=", {expr.args[0], expr.args[i]}, LogicalType::Boolean());
    any = any ? sql::MakeCall("OR", {any, eq}, LogicalType::Boolean()) : eq;
  }
  return Compile(*any);
}

}  // namespace sluice::expr
