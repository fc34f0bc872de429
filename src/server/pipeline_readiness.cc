#include "server/pipeline_readiness.h"

#include <fmt/format.h>

#include <algorithm>

namespace sluice::server {

Readiness CheckReadiness(const runtime::PipelineSnapshot& snapshot, int64_t now_ms) {
  if (snapshot.state != "running") return {false, "pipeline is " + snapshot.state};
  for (const auto& source : snapshot.sources) {
    if (!source.open) return {false, "source '" + source.name + "' is not open"};
  }
  const int64_t bound_ms = std::max<int64_t>(3 * snapshot.epoch_interval_ms, 10000);
  const int64_t age_ms = now_ms - snapshot.last_commit_ms;
  if (age_ms > bound_ms) {
    return {false, fmt::format("no epoch committed for {:.1f} s (limit {:.1f} s)", age_ms / 1000.0,
                               bound_ms / 1000.0)};
  }
  return {true, ""};
}

}  // namespace sluice::server
