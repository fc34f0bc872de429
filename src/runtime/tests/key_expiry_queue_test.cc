#include "runtime/key_expiry_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::runtime {
namespace {

std::vector<std::string> ExpireAt(KeyExpiryQueue<std::string>* queue, int64_t clock) {
  std::vector<std::string> keys;
  queue->Expire(clock, [&](const std::string& key) { keys.push_back(key); });
  return keys;
}

TEST(KeyExpiryQueueTest, ExpiresKeysIdleForTheHorizonInDeadlineOrder) {
  KeyExpiryQueue<std::string> queue(10);
  EXPECT_FALSE(queue.Access("b", 0, 3));
  EXPECT_FALSE(queue.Access("a", 0, 5));
  EXPECT_FALSE(queue.Access("c", 0, 5));
  EXPECT_TRUE(ExpireAt(&queue, 12).empty());                                   // 3 + 10 > 12
  EXPECT_EQ(ExpireAt(&queue, 15), (std::vector<std::string>{"b", "a", "c"}));  // ties by key
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_EQ(queue.expired_count(), 3);
}

TEST(KeyExpiryQueueTest, ARecentAccessRequeuesTheKeyAtItsNewDeadline) {
  KeyExpiryQueue<std::string> queue(10);
  queue.Access("a", 0, 0);
  queue.Access("a", 5, 8);                    // still alive at 5; newest access 8
  EXPECT_TRUE(ExpireAt(&queue, 10).empty());  // the entry at 10 is re-queued at 18
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(ExpireAt(&queue, 18), (std::vector<std::string>{"a"}));
}

TEST(KeyExpiryQueueTest, AccessReportsExpiryLazilyAndCountsIt) {
  KeyExpiryQueue<std::string> queue(10);
  queue.Access("a", 0, 2);
  EXPECT_FALSE(queue.Access("a", 11, 12));  // 2 + 10 > 11: alive, newest access 12
  EXPECT_TRUE(queue.Access("a", 22, 23));   // 12 + 10 <= 22: expired before this access
  EXPECT_EQ(queue.expired_count(), 1);
  EXPECT_EQ(queue.size(), 1u);  // tracked again from 23, with one heap entry
  EXPECT_TRUE(ExpireAt(&queue, 32).empty());
  EXPECT_EQ(ExpireAt(&queue, 33), (std::vector<std::string>{"a"}));
  EXPECT_EQ(queue.expired_count(), 2);
}

TEST(KeyExpiryQueueTest, DisabledQueueTracksNothing) {
  KeyExpiryQueue<uint32_t> queue;
  EXPECT_FALSE(queue.enabled());
  EXPECT_FALSE(queue.Access(1, 100, 0));
  int expired = 0;
  queue.Expire(1'000'000, [&](uint32_t) { ++expired; });
  EXPECT_EQ(expired, 0);
  EXPECT_EQ(queue.size(), 0u);
}

TEST(KeyExpiryQueueTest, RestoredQueueExpiresLikeTheOriginal) {
  KeyExpiryQueue<uint32_t> original(10);
  for (uint32_t k = 0; k < 5; ++k) original.Access(k, 0, static_cast<int64_t>(k) * 3);
  original.Access(0, 9, 14);  // deadlines: 0 -> 24 (re-queued when 10 passes), k -> 3k + 10
  std::vector<uint32_t> first;
  original.Expire(13, [&](uint32_t k) { first.push_back(k); });
  EXPECT_EQ(first, (std::vector<uint32_t>{1}));
  StateEncoder encoder;
  original.SaveState(&encoder);
  KeyExpiryQueue<uint32_t> restored(10);
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(restored.RestoreState(&decoder).ok());
  EXPECT_TRUE(decoder.done());
  std::vector<uint32_t> a;
  std::vector<uint32_t> b;
  original.Expire(30, [&](uint32_t k) { a.push_back(k); });
  restored.Expire(30, [&](uint32_t k) { b.push_back(k); });
  EXPECT_EQ(a, b);
  EXPECT_EQ(b, (std::vector<uint32_t>{2, 3, 4, 0}));  // deadlines 16, 19, 22, 24
  EXPECT_EQ(restored.expired_count(), original.expired_count());
}

// Dense ids: an expired id is tracked afresh when it is used again, and saved keys can be written
// and read as what the ids stand for.
TEST(KeyExpiryQueueTest, IdsAreTrackedAgainAfterExpiryAndSavedThroughTheirKeys) {
  KeyExpiryQueue<uint32_t> queue(10);
  queue.Access(3, 0, 0);
  queue.Access(0, 0, 4);
  std::vector<uint32_t> expired;
  queue.Expire(10, [&](uint32_t k) { expired.push_back(k); });
  EXPECT_EQ(expired, (std::vector<uint32_t>{3}));
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_FALSE(queue.Access(3, 11, 12));  // tracked afresh: not expired again
  EXPECT_EQ(queue.size(), 2u);

  const std::vector<std::string> names = {"zero", "one", "two", "three"};
  StateEncoder encoder;
  queue.SaveState(&encoder, [&](uint32_t k, StateEncoder* out) { out->PutString(names[k]); });
  // The restoring side numbers the keys differently.
  KeyExpiryQueue<uint32_t> restored(10);
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(restored
                  .RestoreState(&decoder,
                                [](StateDecoder* in, uint32_t* k) -> Status {
                                  std::string name;
                                  RETURN_IF_ERROR(in->GetString(&name));
                                  *k = name == "zero" ? 7 : 1;
                                  return Status::Ok();
                                })
                  .ok());
  EXPECT_TRUE(decoder.done());
  EXPECT_EQ(restored.size(), 2u);
  EXPECT_EQ(restored.expired_count(), 1);
  expired.clear();
  restored.Expire(30, [&](uint32_t k) { expired.push_back(k); });
  EXPECT_EQ(expired, (std::vector<uint32_t>{7, 1}));  // deadlines 14 and 22
}

}  // namespace
}  // namespace sluice::runtime
