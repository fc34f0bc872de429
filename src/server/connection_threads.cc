#include "server/connection_threads.h"

#include <thread>

namespace sluice::server {

ConnectionThreads::ConnectionThreads(size_t max_threads, std::chrono::milliseconds idle_exit)
    : max_threads_(max_threads), idle_exit_(idle_exit) {}

ConnectionThreads::~ConnectionThreads() { shutdown(); }

void ConnectionThreads::enqueue(std::function<void()> fn) {
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(std::move(fn));
  if (idle_ >= queue_.size() || threads_ >= max_threads_) {
    work_.notify_one();
    return;
  }
  ++threads_;
  // Detached: shutdown() waits for threads_ to drop to 0, so `this` outlives every thread.
  std::thread([this] { Work(); }).detach();
}

void ConnectionThreads::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    bool has_work =
        work_.wait_for(lock, idle_exit_, [this] { return !queue_.empty() || shutting_down_; });
    --idle_;
    if (queue_.empty() && (shutting_down_ || !has_work)) break;
    if (queue_.empty()) continue;
    std::function<void()> fn = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    fn();
    lock.lock();
  }
  if (--threads_ == 0) ended_.notify_all();
}

void ConnectionThreads::shutdown() {
  std::unique_lock<std::mutex> lock(mu_);
  shutting_down_ = true;
  work_.notify_all();
  ended_.wait(lock, [this] { return threads_ == 0; });
}

}  // namespace sluice::server
