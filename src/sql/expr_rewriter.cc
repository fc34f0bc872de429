#include "sql/expr_rewriter.h"

namespace sluice::sql {

void ExprRewriter::CollectColumns(const BoundExprPtr& expr, std::set<size_t>* out) {
  if (!expr) return;
  if (expr->kind == BoundExprKind::kColumnRef) out->insert(expr->column);
  for (const auto& a : expr->args) CollectColumns(a, out);
}

BoundExprPtr ExprRewriter::Transform(const BoundExprPtr& expr,
                                     const std::function<BoundExprPtr(const BoundExpr&)>& fn) {
  if (!expr) return expr;
  if (expr->kind == BoundExprKind::kColumnRef) return fn(*expr);
  if (expr->args.empty()) return expr;
  std::vector<BoundExprPtr> args;
  bool changed = false;
  for (const auto& a : expr->args) {
    args.push_back(Transform(a, fn));
    changed |= args.back() != a;
  }
  if (!changed) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  copy->args = std::move(args);
  return copy;
}

BoundExprPtr ExprRewriter::Remap(const BoundExprPtr& expr,
                                 const std::vector<std::optional<size_t>>& mapping) {
  return Transform(expr, [&](const BoundExpr& ref) -> BoundExprPtr {
    auto copy = std::make_shared<BoundExpr>(ref);
    copy->column = *mapping[ref.column];
    return copy;
  });
}

BoundExprPtr ExprRewriter::Substitute(const BoundExprPtr& expr,
                                      const std::vector<BoundExprPtr>& replacements) {
  return Transform(expr, [&](const BoundExpr& ref) { return replacements[ref.column]; });
}

std::optional<size_t> ExprRewriter::AsColumn(const BoundExprPtr& expr) {
  if (expr && expr->kind == BoundExprKind::kColumnRef) return expr->column;
  return std::nullopt;
}

}  // namespace sluice::sql
