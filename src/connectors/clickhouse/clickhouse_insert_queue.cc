#include "connectors/clickhouse/clickhouse_insert_queue.h"

#include <utility>

namespace sluice::connectors {

ClickHouseInsertQueue::ClickHouseInsertQueue(SendFn send, size_t max_queued)
    : send_(std::move(send)), max_queued_(max_queued == 0 ? 1 : max_queued) {}

ClickHouseInsertQueue::~ClickHouseInsertQueue() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status ClickHouseInsertQueue::Push(ClickHouseInsertBlock block) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return !failure_.ok() || queue_.size() < max_queued_; });
  if (!failure_.ok()) return std::exchange(failure_, Status::Ok());
  queue_.push_back(std::move(block));
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  lock.unlock();
  changed_.notify_all();
  return Status::Ok();
}

Status ClickHouseInsertQueue::Wait() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return queue_.empty(); });
  return std::exchange(failure_, Status::Ok());
}

bool ClickHouseInsertQueue::Idle() const {
  std::lock_guard lock(mu_);
  return queue_.empty();
}

std::string ClickHouseInsertQueue::TakeBuffer() {
  std::lock_guard lock(mu_);
  if (free_buffers_.empty()) return {};
  std::string buffer = std::move(free_buffers_.back());
  free_buffers_.pop_back();
  return buffer;
}

void ClickHouseInsertQueue::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    changed_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    // The block stays at the front, so Idle is false, while it is in flight; Push only appends,
    // which leaves a reference to a deque's element valid.
    const ClickHouseInsertBlock& block = queue_.front();
    lock.unlock();
    Status sent = send_(block);
    lock.lock();
    if (sent.ok()) {
      std::string bytes = std::move(queue_.front().bytes);
      queue_.pop_front();
      bytes.clear();
      if (free_buffers_.size() < max_queued_) free_buffers_.push_back(std::move(bytes));
    } else {
      failure_ = std::move(sent);
      queue_.clear();
    }
    changed_.notify_all();
  }
}

}  // namespace sluice::connectors
