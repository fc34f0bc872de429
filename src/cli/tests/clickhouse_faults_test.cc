// `sluice run` into ClickHouse through a loopback FaultProxy (src/testing/fault_proxy.h) while
// 16,000 generated rows flow at 4,000 rows/s into a ReplicatedMergeTree table, exactly-once by
// identical blocks. In turn: ClickHouse unreachable at start (every connection reset: the sink
// waits and retries), reachable, answering so slowly that INSERTs time out (the server may have
// applied them), answering every request with a retryable error (Code 241, memory limit), and
// applying INSERTs whose answers are lost. Then the faults stop: the run ends by itself with exit
// code 0 and the table holds ids 0..15999 each exactly once, without FINAL.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "cli/tests/subprocess.h"
#include "testing/clickhouse_server.h"
#include "testing/fault_proxy.h"
#include "testing/temp_dir.h"
#include "testing/zookeeper_server.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::ClickHouseServer;
using ::sluice::testing::FaultProxy;
using ::sluice::testing::TempDir;
using ::sluice::testing::ZooKeeperServer;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
constexpr int64_t kRows = 16000;

const char* const kPipeline = R"sql(
SET 'pipeline.name' = 'faults';
SET 'state.dir' = '${STATE_DIR}';
SET 'execution.epoch-interval' = '100 ms';

CREATE TABLE gen (id BIGINT, v STRING)
WITH ('connector' = 'datagen', 'rows-per-second' = '4000', 'fields.id.kind' = 'sequence',
      'fields.id.start' = '0', 'fields.id.end' = '15999', 'fields.v.length' = '12');
CREATE TABLE events (id BIGINT, v STRING)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'faults',
      'table-name' = 'events', 'sink.delivery-guarantee' = 'exactly-once',
      'sink.retry-backoff' = '100 ms', 'sink.retry-backoff-max' = '300 ms',
      'sink.max-retries' = '1000', 'sink.request-timeout' = '1 s');

INSERT INTO events SELECT id, v FROM gen;
)sql";

// ClickHouse's answer to an INSERT over its memory limit (a retryable error).
std::string MemoryLimitAnswer() {
  const std::string body =
      "Code: 241, e.displayText() = DB::Exception: Memory limit (total) exceeded: would use "
      "9.31 GiB\n";
  return "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

class ClickHouseFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status zk = zookeeper_.Start();
    ASSERT_TRUE(zk.ok()) << zk.ToString();
    ASSERT_TRUE(clickhouse_.UseZooKeeper(zookeeper_.port()).ok());
    Status ch = clickhouse_.Start();
    ASSERT_TRUE(ch.ok()) << ch.ToString();
    for (const char* ddl :
         {"CREATE DATABASE faults",
          "CREATE TABLE faults.events (id Int64, v String) ENGINE = "
          "ReplicatedMergeTree('/clickhouse/tables/{shard}/events', '{replica}') ORDER BY id"}) {
      auto done = clickhouse_.Query(ddl);
      ASSERT_TRUE(done.ok()) << done.status().ToString();
    }
    auto proxy = FaultProxy::Start(clickhouse_.http_port());
    ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
    proxy_ = std::move(*proxy);
  }

  int64_t Count(const std::string& sql) {
    auto result = clickhouse_.Query(sql);
    return result.ok() ? std::atoll(result->c_str()) : -1;
  }

  // Waits (polling every 50 ms) until `done` holds; false after `timeout`.
  static bool WaitFor(const std::function<bool()>& done, seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return true;
  }

  // Keeps `fault` until `n` more connections met it.
  bool HoldFaultFor(FaultProxy::Fault fault, int64_t n, const std::string& answer = "") {
    const int64_t before = proxy_->faulted_connections();
    proxy_->SetFault(fault, answer);
    return WaitFor([&] { return proxy_->faulted_connections() >= before + n; }, seconds(30));
  }

  ZooKeeperServer zookeeper_;
  ClickHouseServer clickhouse_;
  std::unique_ptr<FaultProxy> proxy_;
  TempDir dir_;
};

TEST_F(ClickHouseFaultsTest, UnreachableSlowFailingAndLostAnswersEveryRowOnce) {
  const auto start = std::chrono::steady_clock::now();
  proxy_->SetFault(FaultProxy::Fault::kReset);
  auto run =
      Subprocess::Start({kSluice, "run", dir_.Write("faults.sql", kPipeline)},
                        {{"CLICKHOUSE_URL", proxy_->url()}, {"STATE_DIR", dir_.File("state")}});
  ASSERT_TRUE(run.ok()) << run.status().message();
  // Unreachable at start: the sink's Open waits and retries.
  ASSERT_TRUE(HoldFaultFor(FaultProxy::Fault::kReset, 3));
  EXPECT_EQ(Count("SELECT count() FROM faults.events"), 0);

  proxy_->SetFault(FaultProxy::Fault::kNone);
  ASSERT_TRUE(WaitFor([&] { return Count("SELECT count() FROM faults.events") > 0; }, seconds(30)));

  // Slow: each forwarded chunk waits 1.5 s, the sink's requests time out after 1 s and are sent
  // again (ClickHouse may have applied the first one).
  const int64_t before_slow = proxy_->connections();
  proxy_->SetFault(FaultProxy::Fault::kNone);  // closes the kept-alive connection
  proxy_->SetDelay(milliseconds(1500));
  EXPECT_TRUE(WaitFor([&] { return proxy_->connections() >= before_slow + 3; }, seconds(30)));
  proxy_->SetDelay(milliseconds(0));

  ASSERT_TRUE(HoldFaultFor(FaultProxy::Fault::kHttpError, 3, MemoryLimitAnswer()));
  ASSERT_TRUE(HoldFaultFor(FaultProxy::Fault::kLoseResponse, 3));
  const int64_t during_faults = Count("SELECT count() FROM faults.events");
  proxy_->SetFault(FaultProxy::Fault::kNone);

  SubprocessOutput out = (*run)->Wait(seconds(90));
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "faults test: %lld connections, %lld faulted, %lld rows before the faults ended, "
      "%.1f s\n",
      static_cast<long long>(proxy_->connections()),
      static_cast<long long>(proxy_->faulted_connections()), static_cast<long long>(during_faults),
      took);
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("server not ready"), std::string::npos) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("Timeout was reached"), std::string::npos);
  EXPECT_NE(out.stderr_text.find("Memory limit (total) exceeded"), std::string::npos);
  EXPECT_NE(out.stderr_text.find("Failure when receiving data from the peer (during `INSERT"),
            std::string::npos);
  EXPECT_NE(out.stderr_text.find("exactly-once by identical replayed blocks"), std::string::npos);

  // The INSERTs whose answers were lost had been applied: ClickHouse dropped their retries.
  EXPECT_GE(Count("SELECT value FROM system.events WHERE event = 'DuplicatedInsertedBlocks'"), 1);
  EXPECT_EQ(Count("SELECT count() FROM faults.events"), kRows);
  EXPECT_EQ(Count("SELECT uniqExact(id) FROM faults.events"), kRows);
  EXPECT_EQ(Count("SELECT min(id) FROM faults.events"), 0);
  EXPECT_EQ(Count("SELECT max(id) FROM faults.events"), kRows - 1);
}

}  // namespace
}  // namespace sluice::cli::testing
