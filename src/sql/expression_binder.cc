#include "sql/expression_binder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

#include "common/civil_time.h"
#include "sql/plan_error.h"
#include "sql/type_coercion.h"

namespace sluice::sql {
namespace {

BoundExprPtr At(BoundExprPtr e, SourcePos pos) {
  auto copy = std::make_shared<BoundExpr>(*e);
  copy->pos = pos;
  return copy;
}

BoundExprPtr Literal(Value v, SourcePos pos) { return At(MakeLiteral(std::move(v)), pos); }

std::string TypeList(const std::vector<BoundExprPtr>& args) {
  std::vector<std::string> types;
  for (const auto& a : args) types.push_back(a->type.WithNullable(true).ToString());
  return fmt::format("{}", fmt::join(types, ", "));
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Result<int64_t> IntervalUnitMillis(std::string unit) {
  unit = Upper(unit);
  if (unit.size() > 1 && unit.back() == 'S') unit.pop_back();
  if (unit == "MILLISECOND") return int64_t{1};
  if (unit == "SECOND") return int64_t{1000};
  if (unit == "MINUTE") return int64_t{60'000};
  if (unit == "HOUR") return int64_t{3'600'000};
  if (unit == "DAY") return int64_t{86'400'000};
  return Status::PlanError(fmt::format(
      "unsupported INTERVAL unit '{}'; expected MILLISECOND, SECOND, MINUTE, HOUR or DAY", unit));
}

/// Functions that SQL lets one write without parentheses.
bool BindsAsNiladicCall(const std::string& name) {
  return name == "CURRENT_TIMESTAMP" || name == "LOCALTIMESTAMP" || name == "CURRENT_DATE" ||
         name == "NOW";
}

}  // namespace

Status ExpressionBinder::Error(SourcePos pos, const std::string& what) const {
  return PlanErrorAt(file_, pos, what);
}

Result<BoundExprPtr> ExpressionBinder::Bind(const AstExpr& expr, const Scope& scope,
                                            const std::string& clause) {
  aggs_ = nullptr;
  agg_input_ = nullptr;
  clause_ = clause;
  return BindNode(expr, scope);
}

Result<BoundExprPtr> ExpressionBinder::BindAggregated(const AstExpr& expr, const Scope& input,
                                                      AggregateScope* aggs) {
  aggs_ = aggs;
  agg_input_ = &input;
  clause_ = "";
  auto result = BindNode(expr, input);
  aggs_ = nullptr;
  agg_input_ = nullptr;
  return result;
}

bool ExpressionBinder::ContainsAggregate(const AstExpr& expr) const {
  if (expr.kind == AstExprKind::kFunction && !expr.name_parts.empty() &&
      functions_.IsAggregate(Upper(expr.name_parts[0]))) {
    return true;
  }
  for (const auto& a : expr.args) {
    if (a && ContainsAggregate(*a)) return true;
  }
  for (const AstExprPtr& e : {expr.case_operand, expr.else_expr, expr.filter}) {
    if (e && ContainsAggregate(*e)) return true;
  }
  return false;
}

Result<BoundExprPtr> ExpressionBinder::BindNode(const AstExpr& expr, const Scope& scope) {
  if (aggs_ != nullptr && expr.kind != AstExprKind::kLiteral) {
    if (expr.kind == AstExprKind::kFunction && functions_.IsAggregate(Upper(expr.name_parts[0]))) {
      return BindAggregateCall(expr, *agg_input_);
    }
    if (!ContainsAggregate(expr)) {
      AggregateScope* saved = aggs_;
      aggs_ = nullptr;
      auto plain = BindNode(expr, *agg_input_);
      aggs_ = saved;
      if (!plain.ok()) return plain.status();
      std::string text = (*plain)->ToString();
      for (const auto& key : aggs_->keys) {
        if (key.text == text) return At(MakeColumnRef(key.output, key.type), expr.pos);
      }
      if (expr.kind == AstExprKind::kIdentifier) {
        return Error(expr.pos, fmt::format("column '{}' is neither grouped nor aggregated; add it "
                                           "to GROUP BY or use it inside an aggregate function",
                                           fmt::join(expr.name_parts, ".")));
      }
    }
  }
  switch (expr.kind) {
    case AstExprKind::kIdentifier:
      return BindIdentifier(expr, scope);
    case AstExprKind::kLiteral:
      return BindLiteral(expr);
    case AstExprKind::kUnary: {
      ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(*expr.args[0], scope));
      if (expr.op == "+") return arg;
      if (expr.op == "NOT") return Call("NOT", {arg}, expr.pos);
      if (arg->kind == BoundExprKind::kLiteral && !arg->literal.is_null()) {
        Value v = arg->literal;
        if (std::holds_alternative<int64_t>(v.data) && v.type.id != TypeId::kTimestamp &&
            v.type.id != TypeId::kTimestampLtz && v.type.id != TypeId::kDate) {
          v.data = -v.as_int();
          return Literal(v, expr.pos);
        }
        if (std::holds_alternative<double>(v.data)) {
          v.data = -v.as_double();
          return Literal(v, expr.pos);
        }
      }
      return Call("NEGATE", {arg}, expr.pos);
    }
    case AstExprKind::kBinary: {
      ASSIGN_OR_RETURN(auto args, BindArgs(expr.args, scope));
      return Call(expr.op == "||" ? "CONCAT" : expr.op, std::move(args), expr.pos);
    }
    case AstExprKind::kFunction:
      return BindFunction(expr, scope);
    case AstExprKind::kCase:
      return BindCase(expr, scope);
    case AstExprKind::kCast:
      return BindCast(expr, scope);
    case AstExprKind::kIn: {
      ASSIGN_OR_RETURN(auto args, BindArgs(expr.args, scope));
      ASSIGN_OR_RETURN(BoundExprPtr in, Call("IN", std::move(args), expr.pos));
      return expr.negated ? Call("NOT", {in}, expr.pos) : in;
    }
    case AstExprKind::kBetween: {
      ASSIGN_OR_RETURN(auto args, BindArgs(expr.args, scope));
      const char* low_op = expr.negated ? "<" : ">=";
      const char* high_op = expr.negated ? ">" : "<=";
      ASSIGN_OR_RETURN(BoundExprPtr low, Call(low_op, {args[0], args[1]}, expr.pos));
      ASSIGN_OR_RETURN(BoundExprPtr high, Call(high_op, {args[0], args[2]}, expr.pos));
      return Call(expr.negated ? "OR" : "AND", {low, high}, expr.pos);
    }
    case AstExprKind::kLike: {
      ASSIGN_OR_RETURN(auto args, BindArgs(expr.args, scope));
      ASSIGN_OR_RETURN(BoundExprPtr like, Call("LIKE", std::move(args), expr.pos));
      return expr.negated ? Call("NOT", {like}, expr.pos) : like;
    }
    case AstExprKind::kIsNull: {
      ASSIGN_OR_RETURN(auto args, BindArgs(expr.args, scope));
      return Call(expr.negated ? "IS_NOT_NULL" : "IS_NULL", std::move(args), expr.pos);
    }
    case AstExprKind::kStar:
      return Error(expr.pos, "'*' is allowed only as a select item or in COUNT(*)");
  }
  return Error(expr.pos, "unsupported expression");
}

Result<std::vector<BoundExprPtr>> ExpressionBinder::BindArgs(const std::vector<AstExprPtr>& args,
                                                             const Scope& scope) {
  std::vector<BoundExprPtr> out;
  for (const auto& a : args) {
    ASSIGN_OR_RETURN(BoundExprPtr b, BindNode(*a, scope));
    out.push_back(std::move(b));
  }
  return out;
}

Result<BoundExprPtr> ExpressionBinder::Call(const std::string& name, std::vector<BoundExprPtr> args,
                                            SourcePos pos) {
  std::vector<LogicalType> types;
  for (const auto& a : args) types.push_back(a->type);
  auto type = functions_.ResolveScalar(name, types);
  if (!type.ok()) {
    return Error(pos, fmt::format("{}({}): {}", name, TypeList(args), type.status().message()));
  }
  return At(MakeCall(name, std::move(args), *type), pos);
}

Result<BoundExprPtr> ExpressionBinder::BindIdentifier(const AstExpr& expr, const Scope& scope) {
  const std::vector<std::string>& parts = expr.name_parts;
  std::vector<std::string> qualifiers;
  for (const auto& c : scope.columns) {
    if (!c.qualifier.empty() && (qualifiers.empty() || qualifiers.back() != c.qualifier)) {
      qualifiers.push_back(c.qualifier);
    }
  }
  // `t.col.field...` when `t` names a table in scope, else `col.field...` (as Flink resolves).
  size_t column_part = 0;
  if (parts.size() > 1 &&
      std::find(qualifiers.begin(), qualifiers.end(), parts[0]) != qualifiers.end()) {
    column_part = 1;
  } else if (parts.size() > 1 && !HasColumn(scope, parts[0])) {
    return Error(expr.pos, fmt::format("unknown table '{}'{}", parts[0],
                                       SuggestName(parts[0], qualifiers, "tables in scope")));
  }
  ASSIGN_OR_RETURN(BoundExprPtr column,
                   BindColumn(expr, column_part == 1 ? parts[0] : "", parts[column_part], scope));
  for (size_t i = column_part + 1; i < parts.size(); ++i) {
    ASSIGN_OR_RETURN(column, BindFieldAccess(std::move(column), parts[i], expr.pos));
  }
  return column;
}

bool ExpressionBinder::HasColumn(const Scope& scope, const std::string& name) {
  for (const auto& c : scope.columns) {
    if (c.name == name) return true;
  }
  return false;
}

Result<BoundExprPtr> ExpressionBinder::BindFieldAccess(BoundExprPtr base, const std::string& field,
                                                       SourcePos pos) {
  const LogicalType& type = base->type;
  if (type.id != TypeId::kRow) {
    return Error(pos, fmt::format("cannot access field '{}' of {}; only a ROW has fields", field,
                                  type.WithNullable(true).ToString()));
  }
  std::optional<size_t> index = type.FindField(field);
  if (!index) {
    std::vector<std::string> names;
    for (size_t i = 0; i < type.num_children(); ++i) names.push_back(type.field_name(i));
    return Error(pos, fmt::format("unknown field '{}' of {}{}", field, type.ToString(),
                                  SuggestName(field, names, "fields")));
  }
  LogicalType result = type.child(*index);
  if (type.nullable) result.nullable = true;
  BoundExprPtr position = MakeLiteral(
      Value::Int64(LogicalType::Int().WithNullable(false), static_cast<int64_t>(*index)));
  return At(MakeCall("FIELD", {std::move(base), std::move(position)}, result), pos);
}

Result<BoundExprPtr> ExpressionBinder::BindColumn(const AstExpr& expr, const std::string& qualifier,
                                                  const std::string& name, const Scope& scope) {
  std::vector<size_t> matches;
  std::vector<std::string> names;
  for (size_t i = 0; i < scope.columns.size(); ++i) {
    const auto& c = scope.columns[i];
    if (!qualifier.empty() && c.qualifier != qualifier) continue;
    names.push_back(c.name);
    if (c.name == name) matches.push_back(i);
  }
  if (matches.size() > 1) {
    std::vector<std::string> where;
    for (size_t i : matches) where.push_back(scope.columns[i].qualifier);
    return Error(expr.pos, fmt::format("column '{}' is ambiguous; it is in {}", name,
                                       fmt::join(where, " and ")));
  }
  if (matches.empty()) {
    if (qualifier.empty() && expr.name_parts.size() == 1 && BindsAsNiladicCall(Upper(name))) {
      return Call(Upper(name), {}, expr.pos);
    }
    std::string owner = qualifier.empty() ? scope.description : qualifier;
    return Error(expr.pos, fmt::format("unknown column '{}'{}", fmt::join(expr.name_parts, "."),
                                       SuggestName(name, names, "columns of " + owner)));
  }
  return At(MakeColumnRef(matches[0], scope.columns[matches[0]].type), expr.pos);
}

Result<BoundExprPtr> ExpressionBinder::BindLiteral(const AstExpr& expr) {
  const std::string& text = expr.text;
  switch (expr.literal_kind) {
    case LiteralKind::kNull:
      return Literal(Value::Null(LogicalType::Null()), expr.pos);
    case LiteralKind::kBoolean:
      return Literal(Value{LogicalType::Boolean().WithNullable(false), Upper(text) == "TRUE"},
                     expr.pos);
    case LiteralKind::kInteger: {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (errno == ERANGE || end == text.c_str()) {
        return Error(expr.pos, fmt::format("integer literal {} is out of the BIGINT range", text));
      }
      bool fits_int = v >= INT32_MIN && v <= INT32_MAX;
      LogicalType t = fits_int ? LogicalType::Int() : LogicalType::BigInt();
      return Literal(Value::Int64(t.WithNullable(false), v), expr.pos);
    }
    case LiteralKind::kDecimal: {
      size_t point = text.find('.');
      std::string whole = text.substr(0, point);
      std::string fraction = point == std::string::npos ? "" : text.substr(point + 1);
      size_t first = whole.find_first_not_of('0');
      whole = first == std::string::npos ? "" : whole.substr(first);
      int scale = static_cast<int>(fraction.size());
      int precision = std::max<int>(1, static_cast<int>(whole.size()) + scale);
      if (precision > 18) return Literal(Value::Double(std::stod(text)), expr.pos);
      int64_t unscaled = std::stoll("0" + whole + fraction);
      return Literal(
          Value::Int64(LogicalType::Decimal(precision, scale).WithNullable(false), unscaled),
          expr.pos);
    }
    case LiteralKind::kDouble:
      return Literal(Value::Double(std::stod(text)), expr.pos);
    case LiteralKind::kString:
      return Literal(Value::String(text), expr.pos);
    case LiteralKind::kTimestamp: {
      auto millis = ParseTimestamp(text);
      if (!millis) {
        return Error(expr.pos,
                     fmt::format("'{}' is not a TIMESTAMP (yyyy-MM-dd HH:mm:ss[.fff])", text));
      }
      return Literal(Value::Int64(LogicalType::Timestamp(3).WithNullable(false), *millis),
                     expr.pos);
    }
    case LiteralKind::kDate: {
      auto days = ParseDate(text);
      if (!days) return Error(expr.pos, fmt::format("'{}' is not a DATE (yyyy-MM-dd)", text));
      return Literal(Value::Int64(LogicalType::Date().WithNullable(false), *days), expr.pos);
    }
    case LiteralKind::kInterval: {
      auto unit = IntervalUnitMillis(expr.interval_unit);
      if (!unit.ok()) return Error(expr.pos, unit.status().message());
      char* end = nullptr;
      double amount = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0') {
        return Error(expr.pos,
                     fmt::format("'{}' is not a number of {}s", text, Upper(expr.interval_unit)));
      }
      auto millis = static_cast<int64_t>(std::llround(amount * static_cast<double>(*unit)));
      return Literal(Value::Int64(LogicalType::Interval().WithNullable(false), millis), expr.pos);
    }
  }
  return Error(expr.pos, "unsupported literal");
}

Result<BoundExprPtr> ExpressionBinder::BindFunction(const AstExpr& expr, const Scope& scope) {
  std::string name = Upper(expr.name_parts[0]);
  if (functions_.IsAggregate(name)) {
    if (aggs_ == nullptr) {
      return Error(expr.pos, fmt::format("aggregate function {} is not allowed in {}", name,
                                         clause_.empty() ? "this context" : clause_));
    }
    return BindAggregateCall(expr, *agg_input_);
  }
  if (expr.star_arg)
    return Error(expr.pos, fmt::format("{}(*) is not allowed; only COUNT(*)", name));
  if (expr.distinct || expr.filter) {
    return Error(
        expr.pos,
        fmt::format("DISTINCT and FILTER apply only to aggregate functions, not {}", name));
  }
  if (name == "$FIELD") {
    ASSIGN_OR_RETURN(BoundExprPtr base, BindNode(*expr.args[0], scope));
    return BindFieldAccess(std::move(base), expr.text, expr.pos);
  }
  std::vector<BoundExprPtr> args;
  for (size_t i = 0; i < expr.args.size(); ++i) {
    const AstExpr& a = *expr.args[i];
    if (i == 0 && name == "TIMESTAMPDIFF" && a.kind == AstExprKind::kIdentifier) {
      args.push_back(Literal(Value::String(Upper(a.name_parts.back())), a.pos));
      continue;
    }
    ASSIGN_OR_RETURN(BoundExprPtr b, BindNode(a, scope));
    args.push_back(std::move(b));
  }
  return Call(name, std::move(args), expr.pos);
}

Result<BoundExprPtr> ExpressionBinder::BindAggregateCall(const AstExpr& expr, const Scope& scope) {
  std::string name = Upper(expr.name_parts[0]);
  AggregateScope* aggs = aggs_;
  aggs_ = nullptr;  // no aggregate inside an aggregate
  std::string saved_clause = clause_;
  clause_ = "the argument of another aggregate function";
  BoundAggregate agg;
  agg.function = name;
  agg.pos = expr.pos;
  agg.distinct = expr.distinct;
  agg.count_star = expr.star_arg;
  Status status;
  if (expr.star_arg && name != "COUNT") {
    status = Error(expr.pos, fmt::format("{}(*) is not allowed; only COUNT(*)", name));
  } else if (!expr.star_arg && expr.args.size() != 1) {
    status = Error(expr.pos, fmt::format("{} takes one argument, got {}", name, expr.args.size()));
  } else if (!expr.star_arg) {
    auto arg = BindNode(*expr.args[0], scope);
    if (arg.ok())
      agg.arg = *arg;
    else
      status = arg.status();
  }
  if (status.ok() && expr.filter) {
    clause_ = "FILTER";
    auto filter = BindNode(*expr.filter, scope);
    if (!filter.ok())
      status = filter.status();
    else if ((*filter)->type.id != TypeId::kBoolean) {
      status = Error(expr.filter->pos, fmt::format("FILTER (WHERE ...) must be BOOLEAN, not {}",
                                                   (*filter)->type.WithNullable(true).ToString()));
    } else {
      agg.filter = *filter;
    }
  }
  aggs_ = aggs;
  clause_ = saved_clause;
  RETURN_IF_ERROR(status);
  LogicalType arg_type = agg.arg ? agg.arg->type : LogicalType::Null();
  auto type = functions_.ResolveAggregate(name, arg_type);
  if (!type.ok()) {
    return Error(expr.pos, fmt::format("{}({}): {}", name, arg_type.WithNullable(true).ToString(),
                                       type.status().message()));
  }
  agg.type = *type;
  std::string text = agg.ToString();
  size_t index = aggs->aggregates.size();
  for (size_t i = 0; i < aggs->aggregate_texts.size(); ++i) {
    if (aggs->aggregate_texts[i] == text) index = i;
  }
  if (index == aggs->aggregates.size()) {
    aggs->aggregates.push_back(agg);
    aggs->aggregate_texts.push_back(text);
  }
  return At(MakeColumnRef(aggs->aggregate_base + index, agg.type), expr.pos);
}

Result<BoundExprPtr> ExpressionBinder::BindCase(const AstExpr& expr, const Scope& scope) {
  std::vector<BoundExprPtr> args;
  BoundExprPtr operand;
  if (expr.case_operand) {
    ASSIGN_OR_RETURN(operand, BindNode(*expr.case_operand, scope));
  }
  for (size_t i = 0; i < expr.args.size(); ++i) {
    ASSIGN_OR_RETURN(BoundExprPtr b, BindNode(*expr.args[i], scope));
    if (operand && i % 2 == 0) {
      ASSIGN_OR_RETURN(b, Call("=", {operand, b}, expr.args[i]->pos));
    }
    args.push_back(std::move(b));
  }
  if (expr.else_expr) {
    ASSIGN_OR_RETURN(BoundExprPtr e, BindNode(*expr.else_expr, scope));
    args.push_back(std::move(e));
  } else {
    args.push_back(Literal(Value::Null(LogicalType::Null()), expr.pos));
  }
  return Call("CASE", std::move(args), expr.pos);
}

Result<BoundExprPtr> ExpressionBinder::BindCast(const AstExpr& expr, const Scope& scope) {
  ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(*expr.args[0], scope));
  if (!TypeCoercion::IsCastable(arg->type, expr.cast_type)) {
    return Error(expr.pos,
                 fmt::format("cannot cast {} to {}", arg->type.WithNullable(true).ToString(),
                             expr.cast_type.WithNullable(true).ToString()));
  }
  LogicalType type = expr.cast_type.WithNullable(arg->type.nullable || expr.try_cast);
  return At(MakeCast(arg, type, expr.try_cast), expr.pos);
}

Result<int64_t> ExpressionBinder::BindIntervalConstant(const AstExpr& expr,
                                                       const std::string& what) {
  Scope empty;
  empty.description = what;
  ASSIGN_OR_RETURN(BoundExprPtr e, Bind(expr, empty, what));
  if (e->kind != BoundExprKind::kLiteral || e->type.id != TypeId::kInterval ||
      e->literal.is_null()) {
    return Error(expr.pos,
                 fmt::format("{} must be an INTERVAL constant, e.g. INTERVAL '5' MINUTE", what));
  }
  return e->literal.as_int();
}

}  // namespace sluice::sql
