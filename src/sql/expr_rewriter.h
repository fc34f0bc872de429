#pragma once

#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "sql/bound_expr.h"

namespace sluice::sql {

/// Reads and rewrites the column references of bound expressions. Rewrites return new trees and
/// share unchanged sub-trees; inputs are never modified. Stateless and thread-safe.
class ExprRewriter {
 public:
  /// Adds every column index `expr` references to `out`.
  static void CollectColumns(const BoundExprPtr& expr, std::set<size_t>* out);
  /// Returns `expr` with every column reference `i` replaced by `mapping[i]` (which must be set).
  static BoundExprPtr Remap(const BoundExprPtr& expr,
                            const std::vector<std::optional<size_t>>& mapping);
  /// Returns `expr` with every column reference `i` replaced by `replacements[i]`.
  static BoundExprPtr Substitute(const BoundExprPtr& expr,
                                 const std::vector<BoundExprPtr>& replacements);
  /// Returns `expr` with `fn` applied to each column reference (post-order rewrite).
  static BoundExprPtr Transform(const BoundExprPtr& expr,
                                const std::function<BoundExprPtr(const BoundExpr&)>& fn);
  /// Returns the column index when `expr` is a bare column reference.
  static std::optional<size_t> AsColumn(const BoundExprPtr& expr);
};

}  // namespace sluice::sql
