#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/expression_binder.h"
#include "sql/logical_plan.h"
#include "sql/query_binder.h"

namespace sluice::sql {

/// Binds `left JOIN right ON cond` into one of the two event-time joins Flink runs on
/// append-only streams:
/// - an interval join: ON holds equalities of left and right columns (optional) and a lower and
///   an upper bound on the difference of the two rowtime attributes, e.g.
///   `a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '5' SECOND AND a.ts + INTERVAL '10' SECOND`
///   (or the same with `>=`, `>`, `<=`, `<`);
/// - a window join: both sides are the same window TVF (TUMBLE, HOP or CUMULATE) and ON holds
///   `l.window_start = r.window_start AND l.window_end = r.window_end` and key equalities.
/// Anything else (a regular join, other conditions in ON) is a plan error naming these forms.
/// Holds references only; use from one thread.
class JoinBinder {
 public:
  JoinBinder(const std::string& file_name, ExpressionBinder* binder)
      : file_(file_name), binder_(binder) {}

  /// Binds join `ref` (kJoin) over its bound sides; the result's scope is the left scope's
  /// columns followed by the right's.
  Result<Relation> Bind(const TableRef& ref, Relation left, Relation right);

 private:
  /// One side of a time bound: `column + offset_ms` (column empty for a constant).
  struct TimeTerm {
    std::optional<size_t> column;
    int64_t offset_ms = 0;
  };
  /// What the ON conjuncts say, column indexes relative to each side.
  struct Conditions {
    std::vector<size_t> left_keys, right_keys;
    std::optional<int64_t> lower_ms, upper_ms;
    std::vector<std::pair<size_t, size_t>> window_equalities;  // (left column, right column)
  };

  Status Classify(const BoundExprPtr& conjunct, const Relation& left, const Relation& right,
                  Conditions* out) const;
  /// Records `lhs op rhs` as a bound on right.time - left.time when it compares the rowtime
  /// attributes; returns false when it does not.
  bool AddTimeBound(const std::string& op, const BoundExprPtr& lhs, const BoundExprPtr& rhs,
                    const Relation& left, const Relation& right, Conditions* out) const;
  static std::shared_ptr<PlanNode> NewJoin(PlanKind kind, const TableRef& ref, const Conditions& c);
  Result<std::shared_ptr<PlanNode>> IntervalJoin(const TableRef& ref, const Relation& left,
                                                 const Relation& right, const Conditions& c) const;
  Result<std::shared_ptr<PlanNode>> WindowJoin(const TableRef& ref, const Relation& left,
                                               const Relation& right, const Conditions& c) const;
  /// Returns an error unless keys of types `left` and `right` compare by value as stored.
  Status CheckKeyTypes(const BoundExprPtr& conjunct, const LogicalType& left,
                       const LogicalType& right) const;
  Status Unsupported(SourcePos pos, const std::string& what) const;

  const std::string& file_;
  ExpressionBinder* binder_;
};

}  // namespace sluice::sql
