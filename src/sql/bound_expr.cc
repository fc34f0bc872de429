#include "sql/bound_expr.h"

#include <fmt/format.h>

namespace sluice::sql {
namespace {

bool IsInfixOperator(const std::string& f) {
  static const char* kOps[] = {"+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "AND", "OR"};
  for (const char* op : kOps) {
    if (f == op) return true;
  }
  return false;
}

std::string LiteralText(const Value& v) {
  if (v.is_null()) return "NULL";
  switch (v.type.id) {
    case TypeId::kString: return "'" + v.as_string() + "'";
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: return "TIMESTAMP '" + v.ToString() + "'";
    case TypeId::kDate: return "DATE '" + v.ToString() + "'";
    case TypeId::kInterval: return fmt::format("INTERVAL '{}' MILLISECOND", v.as_int());
    default: return v.ToString();
  }
}

}  // namespace

std::string BoundExpr::ToString(const std::vector<std::string>* names) const {
  switch (kind) {
    case BoundExprKind::kColumnRef:
      if (names && column < names->size()) return (*names)[column];
      return fmt::format("${}", column);
    case BoundExprKind::kLiteral: return LiteralText(literal);
    case BoundExprKind::kCast:
      return fmt::format("{}({} AS {})", try_cast ? "TRY_CAST" : "CAST", args[0]->ToString(names),
                         type.WithNullable(true).ToString());
    case BoundExprKind::kCall: break;
  }
  if (IsInfixOperator(function) && args.size() == 2) {
    return fmt::format("({} {} {})", args[0]->ToString(names), function, args[1]->ToString(names));
  }
  std::string s = function + "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) s += ", ";
    s += args[i]->ToString(names);
  }
  return s + ")";
}

std::string BoundAggregate::ToString(const std::vector<std::string>* names) const {
  std::string s = function + "(";
  if (count_star) s += "*";
  else {
    if (distinct) s += "DISTINCT ";
    s += arg->ToString(names);
  }
  s += ")";
  if (filter) s += " FILTER (WHERE " + filter->ToString(names) + ")";
  return s;
}

BoundExprPtr MakeColumnRef(size_t column, LogicalType type) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundExprKind::kColumnRef;
  e->column = column;
  e->type = type;
  return e;
}

BoundExprPtr MakeLiteral(Value value) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundExprKind::kLiteral;
  e->type = value.type;
  e->type.nullable = value.is_null();
  e->literal = std::move(value);
  return e;
}

BoundExprPtr MakeCall(std::string function, std::vector<BoundExprPtr> args, LogicalType type) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundExprKind::kCall;
  e->function = std::move(function);
  e->args = std::move(args);
  e->type = type;
  return e;
}

BoundExprPtr MakeCast(BoundExprPtr arg, LogicalType type, bool try_cast) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundExprKind::kCast;
  e->args.push_back(std::move(arg));
  e->type = type;
  e->try_cast = try_cast;
  return e;
}

}  // namespace sluice::sql
