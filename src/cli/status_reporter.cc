#include "cli/status_reporter.h"

#include <chrono>

#include "common/logging.h"
#include "common/wall_clock.h"

namespace sluice::cli {
StatusReporter::StatusReporter(std::unique_ptr<connectors::KafkaStatusPublisher> publisher,
                               ProcessIdentity process, SnapshotFn snapshot, int64_t interval_ms)
    : publisher_(std::move(publisher)),
      process_(std::move(process)),
      snapshot_(std::move(snapshot)),
      interval_ms_(interval_ms) {}

void StatusReporter::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void StatusReporter::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  PublishNow();
}

void StatusReporter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    PublishNow();
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
  }
}

void StatusReporter::PublishNow() {
  Status s = publisher_->Publish(process_.Key(),
                                 ProcessStatusRecord(process_, snapshot_(), WallClockMillis()));
  if (s.ok()) {
    if (!last_error_.empty()) LogInfo("status topic: publishing again");
    last_error_.clear();
  } else if (s.message() != last_error_) {
    LogWarn("{} (sluice status may not show this process meanwhile)", s.message());
    last_error_ = s.message();
  }
}

}  // namespace sluice::cli
