#pragma once

#include <cstdint>
#include <string>

#include "runtime/pipeline_snapshot.h"

namespace sluice::server {

/// Renders the body of GET /api/status from a snapshot at wall-clock time `now_ms`:
/// {"pipeline", "state", "uptime_seconds", "last_committed_epoch", "last_commit_age_seconds",
///  "ready", "not_ready_reason", "bad_records", "sources": [{"name", "open", "finished",
///  "records", "watermark_ms" (null before the first), "splits": [{"name", "backlog"}] (the
///  splits, e.g. Kafka partitions, it owns now; backlog -1 when unknown)}], "sinks": [{"name",
///  "rows"}], "operators": [{"job", "name", "state_keys", "state_bytes" (null before the first
///  checkpoint), "late_dropped", "late_updated"}]}.
/// Pure function; any thread.
std::string StatusJson(const runtime::PipelineSnapshot& snapshot, int64_t now_ms);

}  // namespace sluice::server
