#include "cli/pipeline_supervisor.h"

#include <chrono>
#include <thread>

#include "common/duration.h"
#include "common/logging.h"
#include "common/wall_clock.h"

namespace sluice::cli {
PipelineSupervisor::PipelineSupervisor(const LoadedPipeline* loaded,
                                       std::unique_ptr<runtime::Pipeline> first,
                                       MetricsRegistry* metrics)
    : loaded_(loaded),
      metrics_(metrics),
      strategy_(first->options().restart),
      pipeline_(std::move(first)) {
  restarts_ = metrics_->GetCounter(
      "sluice_pipeline_restarts_total",
      "Times the pipeline was restarted in the process after a transient failure.",
      {{"pipeline", pipeline_->options().name}});
  pipeline_->set_metrics(metrics_);
}

Status PipelineSupervisor::Run(const std::atomic<bool>& stop) {
  LogInfo("pipeline '{}': restart strategy {}", pipeline_->options().name, strategy_.Describe());
  for (;;) {
    const int64_t started = SteadyClockMillis();
    Status status = pipeline_->Run(stop);
    if (status.ok() || !status.retryable()) return status;
    std::optional<int64_t> delay = strategy_.NextDelayMillis(SteadyClockMillis() - started);
    if (!delay) {
      if (strategy_.kind() != runtime::RestartStrategy::Kind::kNone) {
        LogError("pipeline '{}': restart strategy {} allows no more restarts after {}",
                 pipeline_->options().name, strategy_.Describe(), strategy_.attempts_made());
      }
      return status;
    }
    LogWarn("pipeline '{}' failed: {}; restart {} in {} from the last checkpoint and epoch log",
            pipeline_->options().name, status.message(), strategy_.attempts_made(),
            FormatDurationMillis(*delay));
    bool stopped = false;
    RETURN_IF_ERROR(Replace(stop, *delay, &stopped));
    if (stopped) return Status::Ok();
    restarts_->Increment();
  }
}

Status PipelineSupervisor::Replace(const std::atomic<bool>& stop, int64_t delay_ms, bool* stopped) {
  std::unique_ptr<runtime::Pipeline> failed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_ = pipeline_->snapshot();
    last_.state = "restarting";
    for (auto& source : last_.sources) source.open = false;
    failed = std::move(pipeline_);
  }
  failed.reset();  // closes its connectors before the next run opens them again
  const int64_t until = SteadyClockMillis() + delay_ms;
  while (SteadyClockMillis() < until) {
    if (stop.load()) {
      *stopped = true;
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // A restart recovers what the failed run did: only the first run starts over ('--fresh').
  sql::PipelinePlan plan = loaded_->plan;
  plan.settings.erase("state.start-fresh");
  ASSIGN_OR_RETURN(auto next,
                   runtime::Pipeline::Create(plan, *loaded_->connectors, *loaded_->functions));
  next->set_metrics(metrics_);
  std::lock_guard<std::mutex> lock(mu_);
  pipeline_ = std::move(next);
  return Status::Ok();
}

runtime::PipelineSnapshot PipelineSupervisor::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (pipeline_) return pipeline_->snapshot();
  return last_;
}

}  // namespace sluice::cli
