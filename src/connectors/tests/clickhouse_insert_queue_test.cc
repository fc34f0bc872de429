#include "connectors/clickhouse/clickhouse_insert_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::connectors {
namespace {

ClickHouseInsertBlock InsertBlockOf(std::string bytes) {
  ClickHouseInsertBlock block;
  block.bytes = std::move(bytes);
  block.rows = 1;
  return block;
}

// Records what was sent; blocks while `hold` is set, fails the block named `fail`.
struct RecordingSender {
  std::mutex mu;
  std::vector<std::string> sent;
  std::atomic<bool> hold{false};
  std::atomic<int> entered{0};  // blocks whose sending started
  std::string fail;

  Status Send(const ClickHouseInsertBlock& block) {
    ++entered;
    while (hold) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (block.bytes == fail) return Status::DataError("refused " + block.bytes);
    std::lock_guard lock(mu);
    sent.push_back(block.bytes);
    return Status::Ok();
  }
  std::vector<std::string> Sent() {
    std::lock_guard lock(mu);
    return sent;
  }
};

TEST(ClickHouseInsertQueueTest, SendsEveryBlockInOrder) {
  RecordingSender server;
  ClickHouseInsertQueue queue([&](const ClickHouseInsertBlock& b) { return server.Send(b); }, 2);
  EXPECT_TRUE(queue.Idle());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(queue.Push(InsertBlockOf(std::to_string(i))).ok());
  ASSERT_TRUE(queue.Wait().ok());
  EXPECT_TRUE(queue.Idle());
  std::vector<std::string> expected;
  for (int i = 0; i < 20; ++i) expected.push_back(std::to_string(i));
  EXPECT_EQ(server.Sent(), expected);
}

TEST(ClickHouseInsertQueueTest, PushReturnsAtOnceUntilTheQueueIsFull) {
  RecordingSender server;
  server.hold = true;
  ClickHouseInsertQueue queue([&](const ClickHouseInsertBlock& b) { return server.Send(b); }, 2);
  ASSERT_TRUE(queue.Push(InsertBlockOf("a")).ok());
  ASSERT_TRUE(queue.Push(InsertBlockOf("b")).ok());
  EXPECT_FALSE(queue.Idle());
  std::atomic<bool> third_queued{false};
  std::thread pusher([&] {
    EXPECT_TRUE(queue.Push(InsertBlockOf("c")).ok());
    third_queued = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(third_queued) << "a third block was queued while two were waiting";
  server.hold = false;
  pusher.join();
  EXPECT_TRUE(third_queued);
  ASSERT_TRUE(queue.Wait().ok());
  EXPECT_EQ(server.Sent(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ClickHouseInsertQueueTest, AFailureDropsTheBlocksBehindItAndIsReturnedOnce) {
  RecordingSender server;
  server.hold = true;
  server.fail = "b";
  ClickHouseInsertQueue queue([&](const ClickHouseInsertBlock& b) { return server.Send(b); }, 4);
  for (const char* bytes : {"a", "b", "c", "d"}) ASSERT_TRUE(queue.Push(InsertBlockOf(bytes)).ok());
  server.hold = false;
  Status waited = queue.Wait();
  EXPECT_EQ(waited.code(), StatusCode::kDataError);
  EXPECT_EQ(waited.message(), "refused b");
  EXPECT_EQ(server.Sent(), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(queue.Idle());
  EXPECT_TRUE(queue.Wait().ok()) << "the failure is returned once";
  ASSERT_TRUE(queue.Push(InsertBlockOf("e")).ok());
  ASSERT_TRUE(queue.Wait().ok());
  EXPECT_EQ(server.Sent(), (std::vector<std::string>{"a", "e"}));
}

TEST(ClickHouseInsertQueueTest, PushReturnsAnEarlierFailureInsteadOfQueueing) {
  RecordingSender server;
  server.fail = "a";
  ClickHouseInsertQueue queue([&](const ClickHouseInsertBlock& b) { return server.Send(b); }, 2);
  ASSERT_TRUE(queue.Push(InsertBlockOf("a")).ok());
  while (!queue.Idle()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(queue.Push(InsertBlockOf("b")).code(), StatusCode::kDataError);
  ASSERT_TRUE(queue.Wait().ok());
  EXPECT_TRUE(server.Sent().empty()) << "b was queued after a's failure";
}

TEST(ClickHouseInsertQueueTest, SentBuffersComeBackEmptyWithTheirCapacity) {
  RecordingSender server;
  ClickHouseInsertQueue queue([&](const ClickHouseInsertBlock& b) { return server.Send(b); }, 2);
  EXPECT_TRUE(queue.TakeBuffer().empty());
  std::string big(1 << 20, 'x');
  ASSERT_TRUE(queue.Push(InsertBlockOf(std::move(big))).ok());
  ASSERT_TRUE(queue.Wait().ok());
  std::string reused = queue.TakeBuffer();
  EXPECT_TRUE(reused.empty());
  EXPECT_GE(reused.capacity(), size_t{1} << 20);
  EXPECT_EQ(queue.TakeBuffer().capacity(), std::string().capacity());
}

TEST(ClickHouseInsertQueueTest, DestroyingFinishesTheBlockInFlightAndDropsTheRest) {
  RecordingSender server;
  server.hold = true;
  std::thread release;
  {
    ClickHouseInsertQueue queue([&](const ClickHouseInsertBlock& b) { return server.Send(b); }, 3);
    for (const char* bytes : {"a", "b", "c"}) ASSERT_TRUE(queue.Push(InsertBlockOf(bytes)).ok());
    while (server.entered == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    release = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      server.hold = false;
    });
  }
  release.join();
  EXPECT_EQ(server.Sent(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(server.entered, 1);
}

}  // namespace
}  // namespace sluice::connectors
