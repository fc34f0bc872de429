#pragma once

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "sql/logical_plan.h"

namespace sluice::sql {

/// Keeps projection push-down working through nesting: finds the ROW fields that nothing in a
/// plan reads and marks them in the types its scans decode (NestedType::unread), so that
/// decoders skip them (they stay NULL). A ROW type is identified by its NestedType, which every
/// copy of the type shares. A field counts as read when a FIELD call reads it; a whole nested
/// value counts as read (all fields, at every depth) when a sink writes it, an operator keys on
/// it, or a function other than FIELD, ITEM, ELEMENT, CARDINALITY, IS [NOT] NULL takes it.
/// Values merely passed on (a projection's output, a join's columns, a UNION ALL's output, whose
/// types are its branches' types under other identities) are judged where they are used. Returns a
/// new tree; the input is shared, never modified. Not thread-safe; one per plan.
class UnreadFieldMarker {
 public:
  static PlanNodePtr Mark(const PlanNodePtr& root);

 private:
  void CollectNode(const PlanNode& node);
  /// Records what `expr` reads; `passed_on` when its value is only handed to the next node or
  /// to an access that reads part of it.
  void CollectExpr(const BoundExprPtr& expr, bool passed_on);
  void ReadWhole(const LogicalType& type);
  void ReadWholeColumns(const Schema& schema, const std::vector<size_t>& columns);
  /// Records that values of `out` (a UNION ALL's output type) are values of `in` (a branch's),
  /// at every depth, so that what is read of `out` is read of `in`.
  void Alias(const LogicalType& out, const LogicalType& in);
  /// Hands the reads of every aliased type on to its branches' types.
  void PropagateAliases();
  PlanNodePtr Rewrite(const PlanNodePtr& node) const;
  LogicalType WithUnread(const LogicalType& type) const;

  std::map<const NestedType*, std::set<size_t>> read_fields_;
  std::set<const NestedType*> read_whole_;
  std::vector<std::pair<const NestedType*, LogicalType>> aliases_;  // in collection order
};

}  // namespace sluice::sql
