#pragma once

#include <cstdint>
#include <string>

#include "runtime/pipeline_snapshot.h"

namespace sluice::server {

/// The answer of GET /readyz.
struct Readiness {
  bool ready = false;
  std::string reason;  // why not ready (empty when ready)
};

/// Decides readiness from a published snapshot at wall-clock time `now_ms`: the pipeline is
/// running, every source is open, and the last epoch committed (or the pipeline opened, before the
/// first commit) within max(3 × epoch interval, 10 s). Pure function; any thread.
Readiness CheckReadiness(const runtime::PipelineSnapshot& snapshot, int64_t now_ms);

}  // namespace sluice::server
