#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "connectors/tests/postgres_test_table.h"

namespace sluice::connectors {
namespace {

constexpr int kEpochs = 12;
constexpr int64_t kRowsPerEpoch = 500;

std::shared_ptr<Batch> Ids(int64_t from, int64_t count) {
  BatchBuilder b;
  Column* id = b.Add("id", LogicalType::BigInt());
  for (int64_t i = 0; i < count; ++i) id->AppendInt(from + i);
  return b.Build();
}

// A writer thread commits epochs of 500 ids (each in two blocks of 250, with sink.batch-size 200
// so that COPYs are sent before the commit) while the main thread stops the server for 5 s after
// the third epoch and starts it again. The writer redoes the epoch that met the outage with
// backoff after reconnecting, and the table ends with ids 0..5999 each exactly once.
TEST(PostgresOutageTest, StoppedServerIsRetriedAndEveryRowArrivesOnce) {
  testing::PostgresServer* server = PostgresTestTable::Server("outage");
  ASSERT_NE(server, nullptr);
  PostgresTestTable::Execute(server, "CREATE TABLE outage.t (id bigint)");
  PostgresSinkOptions options = PostgresTestTable::Options(server, "outage.t");
  options.batch_size = 200;
  options.max_retries = 100;  // ~100 * 0.4..0.8 s: far past the outage
  auto sink = PostgresTestTable::Sink(options, Ids(0, 0)->schema);
  ASSERT_TRUE(sink->Open().ok());

  std::atomic<int> committed{0};
  Status writer_status;
  std::thread writer([&] {
    for (int e = 0; e < kEpochs; ++e) {
      int64_t from = e * kRowsPerEpoch, half = kRowsPerEpoch / 2;
      Status s = sink->Write(EpochId(e + 1), 0, *Ids(from, half));
      if (s.ok()) s = sink->Write(EpochId(e + 1), 1, *Ids(from + half, half));
      if (s.ok()) s = sink->CommitEpoch(EpochId(e + 1));
      if (!s.ok()) {
        writer_status = s;
        return;
      }
      committed = e + 1;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  while (committed < 3 && writer_status.ok()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server->Stop();
  int committed_at_stop = committed;
  std::this_thread::sleep_for(std::chrono::seconds(5));
  EXPECT_LE(committed, committed_at_stop + 1);  // nothing commits while the server is down
  Status started = server->Start();             // from the main thread, which outlives the server
  ASSERT_TRUE(started.ok()) << started.ToString();
  writer.join();

  ASSERT_TRUE(writer_status.ok()) << writer_status.ToString();
  EXPECT_EQ(committed, kEpochs);
  EXPECT_EQ(PostgresTestTable::Lines(
                server, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM outage.t"),
            std::vector<std::string>{"6000\t6000\t0\t5999"});
  PostgresSinkCounters counters = sink->counters();
  EXPECT_GT(counters.retries, 0);
  EXPECT_EQ(counters.rows, 6000);
  EXPECT_EQ(counters.epochs, kEpochs);
  EXPECT_EQ(counters.failures, 0);
  EXPECT_EQ(PostgresTestTable::Lines(server, "SELECT epoch FROM outage.sluice_commits"),
            std::vector<std::string>{"12"});
}

}  // namespace
}  // namespace sluice::connectors
