#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/civil_time.h"
#include "expr/compiled_expr.h"
#include "expr/function_registry.h"
#include "sql/bound_expr.h"
#include "types/cell_text.h"

namespace sluice::expr::testing {

using sql::BoundExprPtr;

/// Builds BoundExprs the way the binder would, typing calls through the registry.
inline BoundExprPtr Col(size_t i, LogicalType t) { return sql::MakeColumnRef(i, t); }
inline BoundExprPtr Int(int64_t v) { return sql::MakeLiteral(Value::Int64(LogicalType::Int(), v)); }
inline BoundExprPtr Big(int64_t v) {
  return sql::MakeLiteral(Value::Int64(LogicalType::BigInt(), v));
}
inline BoundExprPtr Dbl(double v) { return sql::MakeLiteral(Value::Double(v)); }
inline BoundExprPtr Str(std::string v) { return sql::MakeLiteral(Value::String(std::move(v))); }
inline BoundExprPtr Bool(bool v) { return sql::MakeLiteral(Value::Bool(v)); }
inline BoundExprPtr Dec(int64_t unscaled, int p, int s) {
  return sql::MakeLiteral(Value::Int64(LogicalType::Decimal(p, s), unscaled));
}
inline BoundExprPtr Null(LogicalType t = LogicalType::Null()) {
  return sql::MakeLiteral(Value::Null(t));
}
inline BoundExprPtr Ts(const std::string& text) {
  return sql::MakeLiteral(Value::Int64(LogicalType::Timestamp(3), *ParseTimestamp(text)));
}
inline BoundExprPtr Fn(const std::string& name, std::vector<BoundExprPtr> args) {
  std::vector<LogicalType> types;
  for (const auto& a : args) types.push_back(a->type);
  FunctionRegistry r;
  auto t = r.ResolveScalar(name, types);
  EXPECT_TRUE(t.ok()) << name << ": " << t.status().ToString();
  return sql::MakeCall(name, std::move(args), t.ok() ? *t : LogicalType::Null());
}
inline BoundExprPtr Cast(BoundExprPtr e, LogicalType t, bool try_cast = false) {
  return sql::MakeCast(std::move(e), t.WithNullable(true), try_cast);
}

/// Evaluates `e` over `batch` (or a one-row empty batch) and returns each row as Flink prints it.
inline Result<std::vector<std::string>> EvalText(const BoundExprPtr& e,
                                                 const Batch* batch = nullptr, int64_t now_ms = 0) {
  Batch one;
  one.num_rows = 1;
  if (batch == nullptr) batch = &one;
  FunctionRegistry r;
  ASSIGN_OR_RETURN(auto compiled, CompileExpr(e, r));
  EvalContext ctx;
  ctx.processing_time_ms = now_ms;
  ASSIGN_OR_RETURN(ColumnPtr c, compiled->Evaluate(*batch, nullptr, ctx));
  std::vector<std::string> out;
  for (size_t i = 0; i < c->size(); ++i) {
    std::string s;
    AppendCellText(*c, i, &s);
    out.push_back(s);
  }
  return out;
}

/// Evaluates a constant expression to its one printed value ("ERROR: ..." on failure).
inline std::string Eval1(const BoundExprPtr& e, int64_t now_ms = 0) {
  auto r = EvalText(e, nullptr, now_ms);
  if (!r.ok()) return "ERROR: " + r.status().ToString();
  return r->at(0);
}

/// A batch of one BIGINT column `a`, one DOUBLE column `b` and one STRING column `s`;
/// values given as text, "null" for NULL.
inline Batch MakeBatch(const std::vector<std::string>& a, const std::vector<std::string>& b,
                       const std::vector<std::string>& s) {
  auto ca = std::make_shared<Column>(LogicalType::BigInt());
  auto cb = std::make_shared<Column>(LogicalType::Double());
  auto cs = std::make_shared<Column>(LogicalType::String());
  for (const auto& v : a) v == "null" ? ca->AppendNull() : ca->AppendInt(std::stoll(v));
  for (const auto& v : b) v == "null" ? cb->AppendNull() : cb->AppendDouble(std::stod(v));
  for (const auto& v : s) v == "null" ? cs->AppendNull() : cs->AppendString(v);
  Batch batch;
  batch.schema = std::make_shared<Schema>(std::vector<Field>{
      {"a", LogicalType::BigInt()}, {"b", LogicalType::Double()}, {"s", LogicalType::String()}});
  batch.columns = {ca, cb, cs};
  batch.num_rows = a.size();
  return batch;
}

}  // namespace sluice::expr::testing
