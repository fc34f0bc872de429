#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace sluice::server {

/// The HTTP server's task queue: each accepted connection runs on a thread of its own, started on
/// demand, up to `max_threads` at once; beyond that connections wait for a thread. A slow or idle
/// client therefore holds only its own thread, so a few of them cannot starve /healthz, /metrics
/// or the ingest requests waiting for their commit (a fixed pool of 16 could be filled by 16
/// clients that send a byte every few seconds). Threads idle for `idle_exit` end; at most
/// `max_threads` thread stacks exist at any time. Thread-safe; httplib owns it and calls
/// shutdown() once, after the listener stopped accepting.
class ConnectionThreads : public httplib::TaskQueue {
 public:
  ConnectionThreads(size_t max_threads, std::chrono::milliseconds idle_exit);
  ~ConnectionThreads() override;

  /// Runs `fn` on an idle thread, a new one while fewer than max_threads exist, else queued.
  void enqueue(std::function<void()> fn) override;
  /// Lets queued connections finish, then waits until every thread ended.
  void shutdown() override;

 private:
  void Work();

  const size_t max_threads_;
  const std::chrono::milliseconds idle_exit_;
  std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable ended_;
  std::deque<std::function<void()>> queue_;
  size_t threads_ = 0;
  size_t idle_ = 0;
  bool shutting_down_ = false;
};

}  // namespace sluice::server
