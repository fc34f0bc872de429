#include "runtime/fifo_expiry_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::runtime {
namespace {

// The caller's side: each key's newest access, by id.
struct Keys {
  explicit Keys(int64_t horizon, size_t n = 16) : queue(horizon), last(n, kUntracked) {}
  static constexpr int64_t kUntracked = FifoExpiryQueue::kUntracked;

  bool Access(uint32_t id, int64_t clock, int64_t time) {
    return queue.Access(id, &last[id], clock, time);
  }
  std::vector<uint32_t> ExpireAt(int64_t clock) {
    std::vector<uint32_t> ids;
    queue.Expire(
        clock, [this](uint32_t id) -> int64_t& { return last[id]; },
        [&](uint32_t id) { ids.push_back(id); });
    return ids;
  }
  /// Restores a queue whose keys were saved as their ids.
  Status RestoreIds(const StateEncoder& encoder) {
    StateDecoder decoder(encoder.data(), "test");
    return queue.RestoreState(
        &decoder, [this](uint32_t id) -> int64_t& { return last[id]; },
        [](StateDecoder* in, uint32_t* id) -> Status {
          int64_t v = 0;
          RETURN_IF_ERROR(in->GetI64(&v));
          *id = static_cast<uint32_t>(v);
          return Status::Ok();
        });
  }

  FifoExpiryQueue queue;
  std::vector<int64_t> last;
};

TEST(FifoExpiryQueueTest, ExpiresKeysIdleForTheHorizonInDeadlineOrder) {
  Keys keys(10);
  EXPECT_FALSE(keys.Access(2, 0, 3));
  EXPECT_FALSE(keys.Access(1, 0, 5));
  EXPECT_FALSE(keys.Access(0, 0, 5));
  EXPECT_TRUE(keys.ExpireAt(12).empty());                          // 3 + 10 > 12
  EXPECT_EQ(keys.ExpireAt(15), (std::vector<uint32_t>{2, 1, 0}));  // ties in access order
  EXPECT_EQ(keys.queue.size(), 0u);
  EXPECT_EQ(keys.queue.entries(), 0u);
  EXPECT_EQ(keys.queue.expired_count(), 3);
  EXPECT_EQ(keys.last[1], Keys::kUntracked);
}

// An access that moves a key's newest access leaves its earlier entry stale: skipped on pop.
TEST(FifoExpiryQueueTest, StaleEntriesAreSkipped) {
  Keys keys(10);
  keys.Access(0, 0, 0);
  keys.Access(1, 0, 2);
  keys.Access(0, 5, 8);  // still alive at 5; newest access 8, the entry at 10 is stale
  keys.Access(0, 8, 8);  // the same time: no entry
  EXPECT_EQ(keys.queue.entries(), 3u);
  EXPECT_EQ(keys.queue.size(), 2u);
  EXPECT_TRUE(keys.ExpireAt(11).empty());
  EXPECT_EQ(keys.ExpireAt(12), (std::vector<uint32_t>{1}));
  EXPECT_TRUE(keys.ExpireAt(17).empty());
  EXPECT_EQ(keys.ExpireAt(18), (std::vector<uint32_t>{0}));
  EXPECT_EQ(keys.queue.expired_count(), 2);
}

TEST(FifoExpiryQueueTest, AccessReportsExpiryLazilyAndCountsIt) {
  Keys keys(10);
  keys.Access(0, 0, 2);
  EXPECT_FALSE(keys.Access(0, 11, 12));  // 2 + 10 > 11: alive, newest access 12
  EXPECT_TRUE(keys.Access(0, 22, 23));   // 12 + 10 <= 22: expired before this access
  EXPECT_EQ(keys.queue.expired_count(), 1);
  EXPECT_EQ(keys.queue.size(), 1u);  // tracked again from 23
  EXPECT_TRUE(keys.ExpireAt(32).empty());
  EXPECT_EQ(keys.ExpireAt(33), (std::vector<uint32_t>{0}));
  EXPECT_EQ(keys.queue.expired_count(), 2);
}

// A time earlier than the last entry's (no OVER caller does this) is put in deadline order.
TEST(FifoExpiryQueueTest, AnEarlierDeadlineTakesItsPlace) {
  Keys keys(10);
  keys.Access(0, 0, 20);
  keys.Access(1, 0, 5);
  keys.Access(2, 0, 12);
  EXPECT_EQ(keys.ExpireAt(22), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(keys.ExpireAt(30), (std::vector<uint32_t>{0}));
}

// A few hot keys accessed at every time: stale entries are dropped once they outnumber the keys,
// and expiry is unchanged.
TEST(FifoExpiryQueueTest, StaleEntriesStayBounded) {
  Keys keys(1'000'000);
  for (int64_t t = 0; t < 20'000; ++t) {
    keys.Access(static_cast<uint32_t>(t % 4), t - 1, t);
    if (t % 100 == 0) {
      EXPECT_TRUE(keys.ExpireAt(t).empty());
    }
  }
  EXPECT_EQ(keys.queue.size(), 4u);
  EXPECT_LE(keys.queue.entries(), 2 * 4 + 1024 + 100u);
  EXPECT_EQ(keys.ExpireAt(1'019'997),
            (std::vector<uint32_t>{0, 1}));  // newest accesses 19996, 19997
  EXPECT_EQ(keys.ExpireAt(1'019'999), (std::vector<uint32_t>{2, 3}));
}

TEST(FifoExpiryQueueTest, DisabledQueueTracksNothing) {
  Keys keys(-1);
  EXPECT_FALSE(keys.queue.enabled());
  EXPECT_FALSE(keys.Access(1, 100, 0));
  EXPECT_EQ(keys.last[1], Keys::kUntracked);
  EXPECT_TRUE(keys.ExpireAt(1'000'000).empty());
  EXPECT_EQ(keys.queue.size(), 0u);
}

TEST(FifoExpiryQueueTest, RestoredQueueExpiresInTheSameOrder) {
  const std::vector<std::string> names = {"a", "b", "c", "d", "e", "f"};
  Keys original(10);
  original.Access(5, 0, 0);
  original.Access(0, 0, 3);
  original.Access(3, 0, 3);
  original.Access(1, 0, 3);
  original.Access(4, 0, 6);
  original.Access(5, 6, 9);  // stale entry at 10, due at 19
  original.Access(2, 0, 9);
  EXPECT_TRUE(original.ExpireAt(12).empty());
  StateEncoder encoder;
  original.queue.SaveState(
      &encoder, [&](uint32_t id) { return original.last[id]; },
      [&](uint32_t id, StateEncoder* out) { out->PutString(names[id]); });
  // The restoring side numbers the keys differently: "a" is 5, "f" is 0, and so on.
  Keys restored(10);
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(restored.queue
                  .RestoreState(
                      &decoder, [&](uint32_t id) -> int64_t& { return restored.last[id]; },
                      [&](StateDecoder* in, uint32_t* id) -> Status {
                        std::string name;
                        RETURN_IF_ERROR(in->GetString(&name));
                        *id = static_cast<uint32_t>(5 - (name[0] - 'a'));
                        return Status::Ok();
                      })
                  .ok());
  EXPECT_TRUE(decoder.done());
  EXPECT_EQ(restored.queue.size(), 6u);
  EXPECT_EQ(restored.queue.expired_count(), original.queue.expired_count());
  EXPECT_EQ(restored.last[5], 3);  // "a"
  std::vector<std::string> a;
  std::vector<std::string> b;
  for (uint32_t id : original.ExpireAt(30)) a.push_back(names[id]);
  for (uint32_t id : restored.ExpireAt(30)) b.push_back(names[5 - id]);
  EXPECT_EQ(a, b);
  EXPECT_EQ(b, (std::vector<std::string>{"a", "d", "b", "e", "f", "c"}));  // 13, 16, 19 in order
}

// KeyExpiryQueue's saved heap, whose entries may be older than the key's newest access: a key is
// due at its newest access + horizon.
TEST(FifoExpiryQueueTest, RestoresAHeapSavedByKeyExpiryQueue) {
  StateEncoder encoder;
  encoder.PutI64(7);  // expired so far
  encoder.PutI64(2);
  encoder.PutI64(10);  // key 1: entry at 10, newest access 8
  encoder.PutI64(1);
  encoder.PutI64(8);
  encoder.PutI64(15);  // key 0: entry at 15, newest access 5
  encoder.PutI64(0);
  encoder.PutI64(5);
  Keys keys(10);
  ASSERT_TRUE(keys.RestoreIds(encoder).ok());
  EXPECT_EQ(keys.queue.expired_count(), 7);
  EXPECT_TRUE(keys.ExpireAt(14).empty());
  EXPECT_EQ(keys.ExpireAt(18), (std::vector<uint32_t>{0, 1}));
}

TEST(FifoExpiryQueueTest, RestoringAKeyTwiceFails) {
  StateEncoder encoder;
  encoder.PutI64(0);
  encoder.PutI64(2);
  for (int i = 0; i < 2; ++i) {
    encoder.PutI64(10);
    encoder.PutI64(3);
    encoder.PutI64(0);
  }
  Keys keys(10);
  EXPECT_FALSE(keys.RestoreIds(encoder).ok());
}

}  // namespace
}  // namespace sluice::runtime
