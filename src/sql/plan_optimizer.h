#pragma once

#include <optional>
#include <set>
#include <vector>

#include "sql/logical_plan.h"

namespace sluice::sql {

/// Rewrites a bound plan for execution: merges adjacent projections (and drops identity ones),
/// moves a filter directly above a scan into ScanSpec::filter, and prunes columns so that every
/// scan decodes and outputs only what something above needs (the rowtime column and the
/// watermark's inputs always stay), down to the ROW fields read (UnreadFieldMarker). Returns a
/// new tree; the input is shared, never modified.
/// Stateless and thread-safe.
class PlanOptimizer {
 public:
  static PlanNodePtr Optimize(const PlanNodePtr& root);

 private:
  /// A pruned node and, for each output column of the original, its index in the new output.
  struct Pruned {
    PlanNodePtr node;
    std::vector<std::optional<size_t>> mapping;
  };

  static PlanNodePtr MergeProjects(const PlanNodePtr& node);
  static PlanNodePtr PushFilters(const PlanNodePtr& node);
  static Pruned Prune(const PlanNodePtr& node, std::set<size_t> required);
  static Pruned PruneScan(const PlanNode& node, std::set<size_t> required);
  static Pruned PruneProject(const PlanNode& node, const std::set<size_t>& required);
  static Pruned PruneAggregate(const PlanNode& node);
  /// Prunes a kOverAggregate or kRank: its output is the input's columns followed by its own.
  static Pruned PruneAppending(const PlanNode& node, const std::set<size_t>& required);
  /// Returns the node with its inputs pruned to all of their columns.
  static Pruned KeepAll(const PlanNode& node);
};

}  // namespace sluice::sql
