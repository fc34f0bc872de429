#pragma once

#include <string>
#include <vector>

#include "sql/logical_plan.h"

namespace sluice::sql {

/// Creates plan nodes with consistent schemas, rowtime attributes and changelog flags. Used by
/// the binder and the optimizer. Stateless and thread-safe.
class PlanBuilder {
 public:
  /// Returns a scan that decodes every stored column and outputs the table's full row.
  static PlanNodePtr Scan(const CatalogTablePtr& table);
  /// Returns a filter; the output is the input's (schema, rowtime, changelog).
  static PlanNodePtr Filter(PlanNodePtr input, BoundExprPtr predicate);
  /// Returns a projection naming `exprs` by `names`. An output that is the input's rowtime
  /// column, unchanged, stays a rowtime attribute.
  static PlanNodePtr Project(PlanNodePtr input, std::vector<BoundExprPtr> exprs,
                             const std::vector<std::string>& names);
  /// Returns a projection that keeps the input's columns and renames them by `names`.
  static PlanNodePtr Rename(PlanNodePtr input, const std::vector<std::string>& names);
  /// Returns the output column names of `node`.
  static std::vector<std::string> Names(const PlanNode& node);
};

}  // namespace sluice::sql
