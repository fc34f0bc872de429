// Exactly-once into ClickHouse under crashes (issue 5's acceptance test): a pipeline reads a
// paced stream of order events from a broker in its own process (`sluice kafka serve`) and writes
// the raw rows to a ReplicatedMergeTree table and 10-second TUMBLE aggregates to a
// ReplacingMergeTree table. `sluice run` is killed with SIGKILL at random moments (during sink
// writes, checkpoints, recovery) and twice at exact steps (inside a sink write, inside a
// checkpoint; SLUICE_CRASH_AT) and restarted, ClickHouse itself is killed and restarted once
// mid-run; at the end every event is in the raw table exactly once (no FINAL), every window row
// equals the aggregate ClickHouse recomputes from the raw table, and no key repeats.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "cli/tests/subprocess.h"
#include "runtime/epoch_log.h"
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

constexpr int kEvents = 2400;   // 50 ms of event time apart: 120 s, 12 windows per symbol
constexpr int kSentinels = 20;  // far ahead in event time: close every window of the events
constexpr int kKills = 10;
constexpr int kClickHouseRestartAt = 5;
constexpr int kSinkWriteCrashAt = 2;
constexpr int kCheckpointCrashAt = 7;

const char* const kPipeline = R"sql(
SET 'pipeline.name' = 'crash';
SET 'state.dir' = '${STATE_DIR}';
SET 'execution.epoch-interval' = '200 ms';
SET 'execution.checkpoint-interval' = '1 s';

CREATE TABLE orders_raw (order_id BIGINT, symbol STRING, quantity INT, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'crash-raw',
      'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '500',
      'scan.startup.mode' = 'earliest-offset');
CREATE TABLE orders_agg (order_id BIGINT, symbol STRING, quantity INT, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'crash-agg',
      'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '500',
      'scan.startup.mode' = 'earliest-offset');

CREATE TABLE raw_orders (order_id BIGINT, symbol STRING, quantity INT, ts TIMESTAMP(3))
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'crash',
      'table-name' = 'raw_orders', 'sink.delivery-guarantee' = 'exactly-once',
      'sink.retry-backoff' = '200 ms', 'sink.retry-backoff-max' = '1 s',
      'sink.max-retries' = '100');
CREATE TABLE order_windows (symbol STRING, window_start TIMESTAMP(3), orders BIGINT, quantity INT)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'crash',
      'table-name' = 'order_windows', 'sink.delivery-guarantee' = 'effectively-once',
      'sink.retry-backoff' = '200 ms', 'sink.retry-backoff-max' = '1 s',
      'sink.max-retries' = '100');

INSERT INTO raw_orders SELECT order_id, symbol, quantity, ts FROM orders_raw;
INSERT INTO order_windows
SELECT symbol, window_start, COUNT(*), SUM(quantity)
FROM TABLE(TUMBLE(TABLE orders_agg, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY symbol, window_start, window_end;
)sql";

std::string Event(int64_t id, const char* symbol, int quantity, int64_t ms) {
  char line[160];
  std::snprintf(line, sizeof line,
                "{\"order_id\":%lld,\"symbol\":\"%s\",\"quantity\":%d,"
                "\"ts\":\"2024-03-01T10:%02d:%02d.%03dZ\"}\n",
                static_cast<long long>(id), symbol, quantity, static_cast<int>(ms / 60000),
                static_cast<int>(ms / 1000 % 60), static_cast<int>(ms % 1000));
  return line;
}

std::string Events() {
  static const char* kSymbols[] = {"AAPL", "MSFT", "NVDA", "TSLA"};
  std::string out;
  for (int i = 0; i < kEvents; ++i) out += Event(i, kSymbols[i % 4], 1 + i % 9, 50 * int64_t{i});
  for (int i = 0; i < kSentinels; ++i) out += Event(1000000 + i, "END", 1, 300000 + i);
  return out;
}

class ExactlyOnceCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // ZooKeeper is a test dependency (scripts/install-deps.sh): without it the test fails.
    Status zk = zookeeper_.Start();
    ASSERT_TRUE(zk.ok()) << zk.ToString();
    ASSERT_TRUE(clickhouse_.UseZooKeeper(zookeeper_.port()).ok());
    Status ch = clickhouse_.Start();
    ASSERT_TRUE(ch.ok()) << ch.ToString();
    for (const char* ddl : {
             "CREATE DATABASE crash",
             "CREATE TABLE crash.raw_orders (order_id Int64, symbol String, quantity Int32, "
             "ts DateTime) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/raw_orders', "
             "'{replica}') ORDER BY order_id",
             "CREATE TABLE crash.order_windows (symbol String, window_start DateTime, orders "
             "Int64, quantity Int32) ENGINE = ReplacingMergeTree ORDER BY (symbol, window_start)",
         }) {
      auto done = clickhouse_.Query(ddl);
      ASSERT_TRUE(done.ok()) << done.status().ToString();
    }
  }

  int64_t Count(const std::string& sql) {
    auto result = clickhouse_.Query(sql);
    return result.ok() ? std::atoll(result->c_str()) : -1;
  }

  // `crash_at`, when set, is SLUICE_CRASH_AT (common/crash_point.h): the run kills itself there.
  // `clickhouse_url`, when set, replaces the server's own URL (a proxy in front of it).
  std::unique_ptr<Subprocess> StartSluice(const std::string& brokers,
                                          const std::string& crash_at = "",
                                          const std::string& clickhouse_url = "") {
    const std::string url = clickhouse_url.empty() ? clickhouse_.url() : clickhouse_url;
    auto child = Subprocess::Start({kSluice, "run", sql_path_}, {{"KAFKA_BROKERS", brokers},
                                                                 {"CLICKHOUSE_URL", url},
                                                                 {"STATE_DIR", dir_.File("state")},
                                                                 {"SLUICE_CRASH_AT", crash_at}});
    EXPECT_TRUE(child.ok()) << child.status().message();
    return child.ok() ? std::move(*child) : nullptr;
  }

  // Returns the epoch of the newest checkpoint in the state directory (0: none).
  int64_t NewestCheckpointEpoch() const {
    int64_t newest = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_.File("state"), ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("checkpoint-", 0) != 0 || name.size() < 4 ||
          name.compare(name.size() - 4, 4, ".bin") != 0) {
        continue;
      }
      newest = std::max<int64_t>(newest, std::atoll(name.c_str() + 11));
    }
    return newest;
  }

  // Waits (polling every 100 ms) until `done` holds or `timeout` passes.
  template <typename Done>
  static bool WaitFor(Done done, seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(100));
    }
    return true;
  }

  // Checks that every produced event is in the raw table exactly once and that every window row
  // equals the aggregate ClickHouse recomputes from the raw table.
  void ExpectEveryEventOnceAndWindowsMatch() {
    const std::string raw_count = "SELECT count() FROM crash.raw_orders";
    const std::string windows_count = "SELECT count() FROM crash.order_windows FINAL";
    // Every produced event exactly once, without FINAL (block deduplication did it).
    EXPECT_EQ(Count(raw_count), kEvents + kSentinels);
    EXPECT_EQ(Count("SELECT uniqExact(order_id) FROM crash.raw_orders"), kEvents + kSentinels);
    EXPECT_EQ(Count("SELECT sum(quantity) FROM crash.raw_orders WHERE symbol != 'END'"), [] {
      int64_t sum = 0;
      for (int i = 0; i < kEvents; ++i) sum += 1 + i % 9;
      return sum;
    }());
    // 4 symbols x 12 windows, one row each after FINAL, each equal to the recomputed aggregate.
    EXPECT_EQ(Count(windows_count), 48);
    EXPECT_EQ(Count("SELECT count() FROM (SELECT symbol, window_start FROM crash.order_windows "
                    "FINAL GROUP BY symbol, window_start HAVING count() > 1)"),
              0);
    const std::string recomputed = R"sql(
SELECT symbol, toDateTime(intDiv(toUInt32(ts), 10) * 10) AS window_start,
       toInt64(count()) AS orders, toInt32(sum(quantity)) AS quantity
FROM crash.raw_orders WHERE symbol != 'END' GROUP BY symbol, window_start)sql";
    EXPECT_EQ(Count("SELECT count() FROM (" + recomputed + ")"), 48);
    auto equal = clickhouse_.Query(
        "SELECT count() FROM (" + recomputed +
        ") ALL INNER JOIN (SELECT symbol, window_start, orders AS w_orders, quantity AS "
        "w_quantity FROM crash.order_windows FINAL) USING (symbol, window_start) WHERE orders = "
        "w_orders AND quantity = w_quantity");
    ASSERT_TRUE(equal.ok()) << equal.status().ToString();
    EXPECT_EQ(std::atoll(equal->c_str()), 48);
  }

  // Waits until `run` is live (it wrote a checkpoint after epoch `checkpoint_before`) and every
  // event and window is in ClickHouse, then stops it (SIGTERM); sets `out` to how it ended and
  // appends its log to `logs`. Returns whether it went live and the data was complete.
  bool StopWhenComplete(Subprocess* run, int64_t checkpoint_before, std::string* logs,
                        SubprocessOutput* out) {
    const std::string raw_count = "SELECT count() FROM crash.raw_orders";
    const std::string windows_count = "SELECT count() FROM crash.order_windows FINAL";
    const bool live =
        WaitFor([&] { return NewestCheckpointEpoch() > checkpoint_before; }, seconds(60));
    EXPECT_TRUE(live) << "no checkpoint after epoch " << checkpoint_before;
    bool complete =
        live &&
        WaitFor(
            [&] { return Count(raw_count) >= kEvents + kSentinels && Count(windows_count) >= 48; },
            seconds(120));
    run->Signal(SIGTERM);
    *out = run->Wait(seconds(30));
    *logs += out->stderr_text;
    EXPECT_TRUE(complete) << "raw " << Count(raw_count) << ", windows " << Count(windows_count)
                          << "\n"
                          << logs->substr(logs->size() > 6000 ? logs->size() - 6000 : 0);
    return complete;
  }

  // Waits for the producer to finish and stops the broker.
  void StopBrokerAndProducer() {
    SubprocessOutput produced = producer_->Wait(seconds(30));
    EXPECT_EQ(produced.exit_code, 0) << produced.stderr_text;
    broker_->Signal(SIGTERM);
    broker_->Wait(seconds(10));
  }

  // Starts the broker (2 partitions) and a producer of Events() at `rate` events/s; returns the
  // broker's address.
  std::string StartBrokerAndProducer(int rate) {
    auto broker =
        Subprocess::Start({kSluice, "kafka", "serve", "--partitions", "2", "--topics", "orders"});
    EXPECT_TRUE(broker.ok()) << broker.status().message();
    if (!broker.ok()) return "";
    broker_ = std::move(*broker);
    EXPECT_TRUE(broker_->ReadStdoutUntil(1, seconds(20)));
    std::string brokers = broker_->stdout_so_far();
    brokers = brokers.substr(0, brokers.find('\n'));
    auto producer = Subprocess::Start({kSluice, "kafka", "produce", "--brokers", brokers, "--topic",
                                       "orders", "--file", dir_.Write("orders.ndjson", Events()),
                                       "--rate", std::to_string(rate)});
    EXPECT_TRUE(producer.ok()) << producer.status().message();
    if (producer.ok()) producer_ = std::move(*producer);
    return brokers;
  }

  ZooKeeperServer zookeeper_;
  ClickHouseServer clickhouse_;
  TempDir dir_;
  std::string sql_path_ = dir_.Write("crash.sql", kPipeline);
  std::unique_ptr<Subprocess> broker_;
  std::unique_ptr<Subprocess> producer_;
};

TEST_F(ExactlyOnceCrashTest, KilledTenTimesEveryEventOnceAndWindowsMatchTheRawRows) {
  const std::string brokers = StartBrokerAndProducer(60);
  ASSERT_TRUE(broker_ && producer_);

  const std::string raw_count = "SELECT count() FROM crash.raw_orders";
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pause_ms(200, 2500);
  int64_t seen = 0;
  std::string logs;
  for (int kill = 0; kill < kKills; ++kill) {
    // Two of the kills happen at exact steps a random kill rarely hits: after a block of an
    // epoch reached ClickHouse but before the epoch's commit record, and after a checkpoint's
    // temporary file was written but before it replaced the previous one.
    const std::string crash_at = kill == kSinkWriteCrashAt    ? "sink-block-written:3"
                                 : kill == kCheckpointCrashAt ? "state-file-rename:2"
                                                              : "";
    auto run = StartSluice(brokers, crash_at);
    ASSERT_NE(run, nullptr);
    if (!crash_at.empty()) {
      SubprocessOutput out = run->Wait(seconds(90));
      EXPECT_FALSE(out.timed_out) << crash_at << " was never reached\n" << out.stderr_text;
      EXPECT_EQ(out.term_signal, SIGKILL) << crash_at << "\n" << out.stderr_text;
      logs += out.stderr_text;
      seen = std::max<int64_t>(seen, Count(raw_count));
      continue;
    }
    // Let it make progress (or catch up), then kill it at a random moment.
    WaitFor([&] { return Count(raw_count) > seen || seen >= kEvents + kSentinels; }, seconds(40));
    if (kill == kClickHouseRestartAt) {
      clickhouse_.Kill();
      std::this_thread::sleep_for(milliseconds(pause_ms(rng)));
      Status restarted = clickhouse_.Start();
      ASSERT_TRUE(restarted.ok()) << restarted.ToString();
    }
    std::this_thread::sleep_for(milliseconds(pause_ms(rng)));
    run->Signal(SIGKILL);
    SubprocessOutput out = run->Wait(seconds(20));
    EXPECT_EQ(out.term_signal, SIGKILL) << out.stderr_text;
    logs += out.stderr_text;
    seen = std::max<int64_t>(seen, Count(raw_count));
  }
  const int64_t before_last = NewestCheckpointEpoch();
  auto last = StartSluice(brokers);
  ASSERT_NE(last, nullptr);
  // The last run is live (it checkpoints a new epoch every second) before it is stopped.
  SubprocessOutput out;
  ASSERT_TRUE(StopWhenComplete(last.get(), before_last, &logs, &out));
  EXPECT_EQ(out.exit_code, 0) << "signal " << out.term_signal << ", timed out " << out.timed_out
                              << "\n"
                              << out.stderr_text.substr(out.stderr_text.size() > 3000
                                                            ? out.stderr_text.size() - 3000
                                                            : 0);
  EXPECT_NE(logs.find("recovered from"), std::string::npos);
  EXPECT_NE(logs.find("exactly-once by identical replayed blocks"), std::string::npos) << logs;

  ExpectEveryEventOnceAndWindowsMatch();

  StopBrokerAndProducer();
}

// Pipelined commits (runtime/README.md): the pipeline reads epoch N+1 while epoch N's INSERTs
// are in flight. Killed at exactly that step (twice, at different epochs) and restarted, it
// replays the sealed, uncommitted epoch N under the same block identities and reads N+1 again:
// nothing is lost and nothing is written twice. The killed runs reach ClickHouse through a
// proxy that delays every forwarded chunk, so that INSERTs stay in flight while batches arrive.
TEST_F(ExactlyOnceCrashTest, KilledWhileAnEpochIsInFlightLosesAndDuplicatesNothing) {
  auto proxy = FaultProxy::Start(clickhouse_.http_port());
  ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
  // Every forwarded chunk waits 250 ms, longer than an epoch (200 ms): an epoch's INSERT is
  // still in flight when the next epoch's batches arrive, whatever the consumer's fetch rhythm
  // (at 60 ms a run after a recovery could go 90 s without one batch arriving in that window).
  (*proxy)->SetDelay(milliseconds(250));
  const std::string brokers = StartBrokerAndProducer(60);
  ASSERT_TRUE(broker_ && producer_);
  std::string logs;
  for (const char* crash_at : {"epoch-writes-in-flight:3", "epoch-writes-in-flight:10"}) {
    auto run = StartSluice(brokers, crash_at, (*proxy)->url());
    ASSERT_NE(run, nullptr);
    SubprocessOutput out = run->Wait(seconds(90));
    EXPECT_FALSE(out.timed_out) << crash_at << " was never reached\n" << out.stderr_text;
    EXPECT_EQ(out.term_signal, SIGKILL) << crash_at << "\n" << out.stderr_text;
    logs += out.stderr_text;
    // The log's last epoch is sealed (its writes began) and has no commit record.
    auto logged = runtime::EpochLog::Read(dir_.File("state") + "/epochs.log");
    ASSERT_TRUE(logged.ok()) << logged.status().ToString();
    ASSERT_FALSE(logged->empty());
    EXPECT_FALSE(logged->back().committed)
        << crash_at << ": epoch " << logged->back().epoch.value();
  }
  const int64_t before_last = NewestCheckpointEpoch();
  auto last = StartSluice(brokers);
  ASSERT_NE(last, nullptr);
  SubprocessOutput out;
  ASSERT_TRUE(StopWhenComplete(last.get(), before_last, &logs, &out));
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(logs.find("recovered from"), std::string::npos) << logs;
  ExpectEveryEventOnceAndWindowsMatch();
  StopBrokerAndProducer();
}

}  // namespace
}  // namespace sluice::cli::testing
