#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cli/process_status.h"
#include "connectors/kafka/kafka_status_publisher.h"
#include "runtime/pipeline_snapshot.h"

namespace sluice::cli {

/// Publishes this process's status (the /api/status snapshot and who it is) to the pipeline's
/// status topic every `interval_ms`, and once more when stopped, so that `sluice status` lists
/// every process of the pipeline, the partitions each owns, its lag and its state size, with no
/// address list to configure. A failed publication is logged (again only when the reason changes)
/// and never stops the pipeline. Lifecycle: Start, then Stop (or destroy) from the same thread.
class StatusReporter {
 public:
  using SnapshotFn = std::function<runtime::PipelineSnapshot()>;

  StatusReporter(std::unique_ptr<connectors::KafkaStatusPublisher> publisher,
                 ProcessIdentity process, SnapshotFn snapshot, int64_t interval_ms);
  ~StatusReporter() { Stop(); }

  void Start();
  /// Publishes the final snapshot and joins the thread.
  void Stop();

 private:
  void Loop();
  void PublishNow();

  std::unique_ptr<connectors::KafkaStatusPublisher> publisher_;
  ProcessIdentity process_;
  SnapshotFn snapshot_;
  int64_t interval_ms_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
  std::string last_error_;  // the last failure logged; the publishing thread only
};

}  // namespace sluice::cli
