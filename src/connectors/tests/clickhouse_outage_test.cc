#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "connectors/tests/clickhouse_test_table.h"

namespace sluice::connectors {
namespace {

constexpr const char* kDb = "outage";
constexpr int kEpochs = 12;
constexpr int64_t kRowsPerEpoch = 500;

std::shared_ptr<Batch> Ids(int64_t from, int64_t count) {
  BatchBuilder b;
  Column* id = b.Add("id", LogicalType::BigInt());
  for (int64_t i = 0; i < count; ++i) id->AppendInt(from + i);
  return b.Build();
}

// A writer thread commits epochs of 500 ids while the main thread kills the server for 10 s
// after the third epoch and starts it again (also from another thread than the one that started
// it first). The writer blocks in the INSERT of the epoch that met the outage (the source is
// paused: no later epoch is written meanwhile), retries with backoff, resumes when the server is
// back, and the table ends with ids 0..5999 each once.
TEST(ClickHouseOutageTest, StoppedServerIsRetriedAndEveryRowArrivesOnce) {
  testing::ClickHouseServer* server = ClickHouseTestTable::Server(kDb);
  ASSERT_NE(server, nullptr);
  ClickHouseTestTable::Query(server,
                             "CREATE TABLE outage.t (id Int64) ENGINE = MergeTree ORDER BY id");
  ClickHouseSinkOptions options = ClickHouseTestTable::Options(server, kDb, "t");
  options.retry_backoff_ms = 100;
  options.retry_backoff_max_ms = 800;  // notices the restarted server within 0.8 s
  options.max_retries = 100;           // ~100 * 0.4..0.8 s: far past the outage
  auto sink = ClickHouseTestTable::Sink(options, Ids(0, 0)->schema);
  ASSERT_TRUE(sink->Open().ok());

  std::atomic<int> committed{0};
  Status writer_status;
  std::chrono::steady_clock::duration longest_epoch{};
  std::thread writer([&] {
    for (int e = 0; e < kEpochs; ++e) {
      auto begin = std::chrono::steady_clock::now();
      Status s = sink->Write(EpochId(e + 1), 0, *Ids(e * kRowsPerEpoch, kRowsPerEpoch));
      if (s.ok()) s = sink->CommitEpoch(EpochId(e + 1));
      if (!s.ok()) {
        writer_status = s;
        return;
      }
      longest_epoch = std::max(longest_epoch, std::chrono::steady_clock::now() - begin);
      committed = e + 1;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  while (committed < 3 && writer_status.ok()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // The writer is in its 100 ms pause after the third commit: no INSERT is in flight, so none
  // can have been applied without its answer arriving (which would insert it twice on retry).
  server->Kill();
  int committed_at_stop = committed;
  std::thread restarter([server] {
    std::this_thread::sleep_for(std::chrono::seconds(10));
    Status started = server->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
  });
  // While the server is down, at most the epoch in flight at the stop can have been committed.
  std::this_thread::sleep_for(std::chrono::seconds(8));
  EXPECT_LE(committed, committed_at_stop + 1);
  restarter.join();
  auto restarted = std::chrono::steady_clock::now();
  writer.join();
  auto resumed_after = std::chrono::steady_clock::now() - restarted;

  ASSERT_TRUE(writer_status.ok()) << writer_status.ToString();
  EXPECT_EQ(committed, kEpochs);
  EXPECT_GE(longest_epoch, std::chrono::seconds(8));  // one epoch waited out the outage
  // 9 epochs after the restart at >= 100 ms each, plus at most one backoff of 0.8 s.
  EXPECT_LT(resumed_after, std::chrono::seconds(5));
  EXPECT_GT(sink->counters().retries, 0);
  EXPECT_EQ(sink->counters().rows, kEpochs * kRowsPerEpoch);
  EXPECT_EQ(sink->counters().inserts, kEpochs);
  // ids 0..5999 each once: sum = 5999 * 6000 / 2 = 17997000.
  EXPECT_EQ(ClickHouseTestTable::Query(
                server, "SELECT count(), uniqExact(id), sum(id) FROM outage.t FORMAT TabSeparated"),
            "6000\t6000\t17997000\n");
}

}  // namespace
}  // namespace sluice::connectors
