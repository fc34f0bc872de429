#pragma once

#include <cstdint>

#include "cli/pipeline_loader.h"

namespace sluice::cli {

struct StatusCommandOptions {
  bool json = false;                // --json: one JSON object instead of the table
  int64_t stale_after_ms = 10'000;  // --stale-after: a process silent this long is gone
  int timeout_ms = 10'000;          // reading the status topic
};

/// `sluice status FILE`: reads the pipeline's status topic (cli/status_topic.h) and prints every
/// process of the pipeline (live, stopped or gone), the splits each owns with their lag and its
/// state size, then per Kafka topic whether every partition is owned by exactly one live process.
/// Returns the exit code: 0 printed; 1 the topic could not be read (or no process published
/// yet); 2 the pipeline has no status topic.
int PrintPipelineStatus(const LoadedPipeline& loaded, const StatusCommandOptions& options);

}  // namespace sluice::cli
