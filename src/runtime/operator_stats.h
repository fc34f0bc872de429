#pragma once

#include <cstdint>

namespace sluice::runtime {

/// What a stateful operator reports about itself for the metrics and /api/status
/// (Operator::stats()): read on the pipeline thread after each epoch commit.
struct OperatorStats {
  /// Keys holding state now: (window, key) groups, GROUP BY / PARTITION BY keys, session keys,
  /// join keys held per side or window. Rows waiting for the watermark are not keys.
  int64_t state_keys = 0;
  /// Rows dropped as late since the operator started (restored with its state where it saves it).
  int64_t late_dropped = 0;
  /// Late rows that updated a result already emitted (within 'table.exec.emit.allow-lateness')
  /// since the process started.
  int64_t late_updated = 0;
};

}  // namespace sluice::runtime
