#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "sql/ast.h"

namespace sluice::sql {

/// Rewrites Flink's older group-window form `GROUP BY SESSION(ts, INTERVAL gap), k, ...` into
/// the SESSION window TVF it means, so that it plans onto the same session window aggregation:
/// `FROM TABLE(SESSION(TABLE t PARTITION BY k, ..., DESCRIPTOR(ts), INTERVAL gap))
/// GROUP BY k, ..., window_start, window_end`, with the auxiliary functions SESSION_START(ts, gap),
/// SESSION_END(ts, gap) and SESSION_ROWTIME(ts, gap) in the select list and HAVING replaced by
/// window_start, window_end and window_time (end - 1 ms, the rowtime attribute). The other
/// GROUP BY items must be plain columns and FROM a table, view or subquery. Stateless.
class GroupWindowRewriter {
 public:
  /// Returns the rewritten statement, nullopt when `stmt` has no group window, or a plan error
  /// at the offending expression (`file` names the script in the message).
  static Result<std::optional<SelectStmt>> Rewrite(const std::string& file, const SelectStmt& stmt);
};

}  // namespace sluice::sql
