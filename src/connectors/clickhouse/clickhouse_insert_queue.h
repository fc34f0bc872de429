#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "connectors/clickhouse/clickhouse_http_client.h"
#include "types/batch.h"

namespace sluice::connectors {

/// One INSERT of a ClickHouse sink: its RowBinary block and what sending it needs.
struct ClickHouseInsertBlock {
  std::string bytes;
  ClickHouseHttpClient::Settings settings;
  int64_t rows = 0;
  std::string name;            // "<table> epoch E insert n", for logs and dead letters
  std::vector<Batch> batches;  // the block's rows, kept for a dead-letter table
};

/// Sends a sink's INSERTs in order, one at a time, on its own thread: the pipeline thread queues a
/// block and encodes the next instead of waiting for the server to take the one before. At most
/// `max_queued` blocks wait or are in flight; Push waits for room beyond that, which is the
/// sink's backpressure. When a block fails, the blocks queued behind it are dropped unsent (their
/// epoch is not acknowledged, so it is written again after recovery) and the failure is returned,
/// once, by the next Push or Wait. The buffers of sent blocks come back through TakeBuffer, so a
/// sink reuses their memory instead of faulting in new pages for every block. Push, Wait,
/// TakeBuffer and the destructor are for one thread (the sink's user); Idle may be called from
/// any.
class ClickHouseInsertQueue {
 public:
  using SendFn = std::function<Status(const ClickHouseInsertBlock&)>;

  ClickHouseInsertQueue(SendFn send, size_t max_queued);
  /// Finishes the block being sent, drops the others and stops the thread.
  ~ClickHouseInsertQueue();
  ClickHouseInsertQueue(const ClickHouseInsertQueue&) = delete;
  ClickHouseInsertQueue& operator=(const ClickHouseInsertQueue&) = delete;

  /// Queues `block` behind the others, waiting while `max_queued` are queued. Returns the failure
  /// of an earlier block instead, without queueing.
  Status Push(ClickHouseInsertBlock block);
  /// Waits until every queued block is sent; returns the first failure since the last call.
  Status Wait();
  /// Returns true when nothing is queued or in flight (Wait would not wait).
  bool Idle() const;
  /// Returns the emptied buffer of a sent block (its capacity kept), or an empty string.
  std::string TakeBuffer();

 private:
  void Run();

  SendFn send_;
  size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<ClickHouseInsertBlock> queue_;  // the front one is in flight while it is sent
  std::vector<std::string> free_buffers_;
  Status failure_ = Status::Ok();
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sluice::connectors
