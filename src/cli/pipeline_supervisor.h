#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "cli/pipeline_loader.h"
#include "common/metrics_registry.h"
#include "common/status.h"
#include "runtime/pipeline.h"
#include "runtime/pipeline_snapshot.h"
#include "runtime/restart_strategy.h"

namespace sluice::cli {

/// Runs a loaded pipeline until it ends, applying its restart strategy: a run that fails with a
/// retryable error (kUnavailable) is replaced by a new Pipeline built from the same plan, which
/// recovers from the state directory (checkpoint, then the logged epochs after it) and goes on.
/// Counts restarts in sluice_pipeline_restarts_total. While a restart waits, snapshot() says
/// "restarting" (so /readyz fails).
/// Lifecycle: construct with the first pipeline, Run once. snapshot() may be called from any
/// thread (the HTTP server's) at any time; the rest from the thread that calls Run.
class PipelineSupervisor {
 public:
  PipelineSupervisor(const LoadedPipeline* loaded, std::unique_ptr<runtime::Pipeline> first,
                     MetricsRegistry* metrics);

  /// Runs until the input ends, `stop` becomes true (the current epoch is committed) or a
  /// failure the strategy does not restart. A stop during a restart's delay returns Ok: every
  /// committed epoch is durable and the rest is recovered by the next run.
  Status Run(const std::atomic<bool>& stop);

  /// Re-executes the epochs of an epoch log with the first pipeline (never restarted); instead of
  /// Run.
  Status Replay(const std::string& epoch_log_path) { return pipeline_->Replay(epoch_log_path); }

  /// Returns the current pipeline's snapshot, or the last one marked "restarting". Thread-safe.
  runtime::PipelineSnapshot snapshot() const;
  /// Returns the current pipeline (the first one before Run; after a restart its stats count
  /// from its recovery on), or null when a stop came during a restart's delay. The Run thread
  /// only.
  const runtime::Pipeline* pipeline() const { return pipeline_.get(); }

 private:
  /// Destroys the failed pipeline and builds the next one; publishes "restarting" meanwhile.
  Status Replace(const std::atomic<bool>& stop, int64_t delay_ms, bool* stopped);

  const LoadedPipeline* loaded_;
  MetricsRegistry* metrics_;
  runtime::RestartStrategy strategy_;
  Counter* restarts_ = nullptr;
  mutable std::mutex mu_;
  std::unique_ptr<runtime::Pipeline> pipeline_;  // replaced under mu_
  runtime::PipelineSnapshot last_;               // guarded by mu_; used while pipeline_ is null
};

}  // namespace sluice::cli
