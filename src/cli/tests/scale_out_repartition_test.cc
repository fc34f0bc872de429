// Scale-out with repartitioning (issue 14): `sluice run` processes of one pipeline share a
// 12-partition topic as one consumer group; a TUMBLE aggregation grouped by a key that is not the
// topic's message key runs as job A (input -> internal topic keyed by the group key) and job B
// (internal topic -> windows -> ClickHouse), both in every process. When a process dies, the
// others take over its input partitions and its internal partitions; the new owner of an
// internal partition restores that partition's window state from the split state topic
// (runtime/README.md, "Repartitioning"). The windows in the ReplicatedMergeTree table must equal
// the aggregates of every event once, computed here: no loss, no duplicate.
//
// The development broker runs in this process (it survives the kills); it cannot create topics
// on request, so the test creates the internal topic, its marker topic and the state topic.
// Job A's transactions time out after 8 s (its producer takes the input's properties): a killed
// process's open transaction holds back read_committed readers of the internal topic until then.
// Offsets 0 are committed for the input's group before any process starts, so
// 'properties.auto.offset.reset' = 'error' turns a reset of the input into a failed run; a reset
// of the internal topic (job B resets to the earliest offset) shows in the logs and fails the
// test. Job B's watermark of an internal partition waits for rows from every input partition, so
// the input ends with rounds of "flush" events an hour later, one per group key and input
// partition, until every real window has fired (their own window never fires).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/tests/scale_out_events.h"
#include "cli/tests/subprocess.h"
#include "connectors/kafka/kafka_client_config.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/tests/kafka_test_producer.h"
#include "testing/clickhouse_server.h"
#include "testing/temp_dir.h"
#include "testing/zookeeper_server.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::ClickHouseServer;
using ::sluice::testing::TempDir;
using ::sluice::testing::ZooKeeperServer;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
constexpr int kPartitions = 12;
constexpr int kEvents = 40000;
constexpr int kKeys = ScaleOutEvents::kKeys;
constexpr int64_t kFlushMs = ScaleOutEvents::kStartMs + 3600 * 1000;  // an hour later: flushes
constexpr char kInternalTopic[] = "rs.per_window.repartition";

constexpr char kPipeline[] = R"sql(
SET 'pipeline.name' = 'rs';
SET 'pipeline.repartition' = 'auto';
SET 'state.dir' = '${STATE_DIR}';
SET 'execution.epoch-interval' = '300 ms';
CREATE TABLE events (id BIGINT, user_id BIGINT, k STRING, v BIGINT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'rs_in',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'rs',
      'properties.session.timeout.ms' = '3000', 'properties.heartbeat.interval.ms' = '300',
      'properties.auto.offset.reset' = 'error', 'format' = 'json',
      'properties.transaction.timeout.ms' = '8000');
CREATE TABLE per_window (k STRING NOT NULL, window_start TIMESTAMP(3) NOT NULL,
  window_end TIMESTAMP(3) NOT NULL, n BIGINT, total BIGINT, lo BIGINT, hi BIGINT)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'rs',
      'table-name' = 'per_window', 'sink.delivery-guarantee' = 'exactly-once');
INSERT INTO per_window
SELECT k, window_start, window_end, COUNT(*), SUM(v), MIN(v), MAX(v)
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY k, window_start, window_end;
)sql";

// Waits are generous (CI runs this beside other tests on 2 cores) and multiplied by the
// environment variable SLUICE_TEST_TIMEOUT_SCALE when set (sanitizer builds).
seconds Scaled(int s) {
  const char* scale = std::getenv("SLUICE_TEST_TIMEOUT_SCALE");
  const double factor = scale != nullptr ? std::max(1.0, std::atof(scale)) : 1.0;
  return seconds(static_cast<int64_t>(s * factor));
}

class ScaleOutRepartitionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status zk = zookeeper_.Start();
    ASSERT_TRUE(zk.ok()) << zk.ToString();
    ASSERT_TRUE(clickhouse_.UseZooKeeper(zookeeper_.port()).ok());
    Status ch = clickhouse_.Start();
    ASSERT_TRUE(ch.ok()) << ch.ToString();
    for (const char* ddl : {
             "CREATE DATABASE rs",
             "CREATE TABLE rs.per_window (k String, window_start DateTime, window_end DateTime, "
             "n Int64, total Int64, lo Int64, hi Int64) ENGINE = ReplicatedMergeTree("
             "'/clickhouse/tables/{shard}/rs_per_window', '{replica}') ORDER BY (k, "
             "window_start) SETTINGS replicated_deduplication_window = 10000",
         }) {
      auto done = clickhouse_.Query(ddl);
      ASSERT_TRUE(done.ok()) << done.status().ToString();
    }
    ASSERT_TRUE(cluster_.Start().ok());
    ASSERT_TRUE(cluster_.CreateTopic("rs_in", kPartitions).ok());
    // sluice creates these on a real broker; the development broker has no CreateTopics.
    ASSERT_TRUE(cluster_.CreateTopic(kInternalTopic, kPartitions).ok());
    ASSERT_TRUE(cluster_.CreateTopic(std::string(kInternalTopic) + ".sluice-epochs", 1).ok());
    ASSERT_TRUE(cluster_.CreateTopic(std::string(kInternalTopic) + ".state", 1).ok());
    producer_.emplace(cluster_.bootstraps());
    ScaleOutEvents::CommitOffsetZero(cluster_.bootstraps(), "rs", "rs_in", kPartitions);
  }

  // Produces events [from, to) keyed by user, partitioned by user, and waits for delivery.
  void Produce(int from, int to) {
    for (int id = from; id < to; ++id) {
      const int64_t user = ScaleOutEvents::UserOf(id);
      producer_->ProduceMessage("rs_in", static_cast<int32_t>(user % kPartitions),
                                std::to_string(user), ScaleOutEvents::Json(id), 0, {});
    }
    producer_->Flush();
  }

  // Produces the events in chunks of 400, one every 100 ms (about 10 s in all), while processes
  // start, die and join: job A then writes small transactions.
  void ProduceTrickle() {
    for (int id = 0; id < kEvents; id += 400) {
      Produce(id, std::min(id + 400, kEvents));
      std::this_thread::sleep_for(milliseconds(100));
    }
  }

  // One event per group key and input partition an hour after the others: they move every
  // internal partition's watermark past the real windows; their own window never fires.
  void ProduceFlushRound(int round) {
    for (int p = 0; p < kPartitions; ++p) {
      for (int key = 0; key < kKeys; ++key) {
        const int id = kEvents + (round * kPartitions + p) * kKeys + key;
        const std::string value =
            fmt::format("{{\"id\":{},\"user_id\":{},\"k\":\"k{}\",\"v\":0,\"ts\":{}}}", id, p, key,
                        kFlushMs + round);
        producer_->ProduceMessage("rs_in", p, std::to_string(p), value, 0, {});
      }
    }
    producer_->Flush();
  }

  std::unique_ptr<Subprocess> StartSluice(int member, const std::string& crash_at = "") {
    EnvVars env = {{"KAFKA_BROKERS", cluster_.bootstraps()},
                   {"CLICKHOUSE_URL", clickhouse_.url()},
                   {"STATE_DIR", dir_.File(fmt::format("state-{}", member))}};
    if (!crash_at.empty()) env.push_back({"SLUICE_CRASH_AT", crash_at});
    auto child = Subprocess::Start({kSluice, "run", "--log-level", "info", sql_path_}, env);
    EXPECT_TRUE(child.ok()) << child.status().message();
    return child.ok() ? std::move(*child) : nullptr;
  }

  int64_t Events() {
    auto result = clickhouse_.Query("SELECT sum(n) FROM rs.per_window");
    return result.ok() ? std::atoll(result->c_str()) : -1;
  }

  // Waits (polling every 200 ms) until `done` holds or `timeout` passes.
  template <typename Done>
  static bool WaitFor(Done done, seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(200));
    }
    return true;
  }

  // Sends a flush round every second until every event is counted in ClickHouse or `timeout`
  // passes; returns whether every event was.
  bool FlushUntilComplete(seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (int round = 0; Events() < kEvents; ++round) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      ProduceFlushRound(round);
      std::this_thread::sleep_for(milliseconds(1000));
    }
    return true;
  }

  // Stops `members` (SIGTERM) and returns their logs; each must exit cleanly.
  static std::string Stop(std::vector<std::unique_ptr<Subprocess>>* members) {
    std::string logs;
    for (auto& member : *members) {
      member->Signal(SIGTERM);
      SubprocessOutput out = member->Wait(Scaled(30));
      EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
      logs += out.stderr_text;
    }
    return logs;
  }

  // Checks the table against the windows of every event once, and the logs for offset resets.
  void ExpectExactlyOnce(const std::string& logs) {
    EXPECT_EQ(Events(), kEvents) << logs;
    auto rows = clickhouse_.Query(
        "SELECT k, toUnixTimestamp(window_start), n, total, lo, hi FROM rs.per_window "
        "ORDER BY k, window_start FORMAT TabSeparated");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(*rows, ScaleOutEvents::ExpectedWindows(kEvents));
    EXPECT_EQ(logs.find("Offset out of range"), std::string::npos) << logs;
    EXPECT_EQ(logs.find("offset reset"), std::string::npos) << logs;
  }

  static int CountOf(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }

  ZooKeeperServer zookeeper_;
  ClickHouseServer clickhouse_;
  connectors::MockCluster cluster_;
  std::optional<connectors::KafkaTestProducer> producer_;
  TempDir dir_;
  std::string sql_path_ = dir_.Write("rs.sql", kPipeline);
};

// Two processes; the first dies right after storing its internal partitions' states for the
// third time, before committing the epoch's offsets (its intents stay). The survivor takes every
// partition over, restores each internal partition's state and drops the dead process's last range
// as repeats.
TEST_F(ScaleOutRepartitionTest, SurvivorRestoresTheDeadProcesssSplitStates) {
  std::unique_ptr<Subprocess> doomed = StartSluice(1, "split-states-stored:3");
  std::vector<std::unique_ptr<Subprocess>> members;
  members.push_back(StartSluice(2));
  ASSERT_TRUE(doomed && members[0]);
  std::thread producer([&] { ProduceTrickle(); });
  SubprocessOutput death = doomed->Wait(Scaled(60));
  producer.join();
  ASSERT_EQ(death.term_signal, SIGKILL) << death.stderr_text;
  const bool complete = FlushUntilComplete(Scaled(60));
  std::this_thread::sleep_for(seconds(2));  // anything written twice would show now
  const std::string logs = Stop(&members);
  EXPECT_TRUE(complete) << "counted " << Events() << "\n" << logs;
  ExpectExactlyOnce(death.stderr_text + logs);
  // The dead process stored states; the survivor restored some of them.
  EXPECT_GT(CountOf(logs, "restores its state at offset"), 0) << logs;
}

// The acceptance test of issue 14 with repartitioning: three processes, the first killed in the
// middle of an epoch's writes (after its tenth sink block, job A's or job B's), a fourth joining
// once a quarter of the events is counted; every internal partition that moves takes its state
// along.
TEST_F(ScaleOutRepartitionTest, KillAndJoinWriteEveryWindowOnce) {
  std::unique_ptr<Subprocess> doomed = StartSluice(1, "sink-block-written:10");
  std::vector<std::unique_ptr<Subprocess>> members;
  members.push_back(StartSluice(2));
  members.push_back(StartSluice(3));
  ASSERT_TRUE(doomed && members[0] && members[1]);
  std::thread producer([&] { ProduceTrickle(); });
  SubprocessOutput death = doomed->Wait(Scaled(60));
  // The fourth joins once windows were written (so the survivors stored states it takes over).
  const bool counting = WaitFor([&] { return Events() >= kEvents / 4; }, Scaled(60));
  members.push_back(StartSluice(4));
  producer.join();
  ASSERT_EQ(death.term_signal, SIGKILL) << death.stderr_text;
  ASSERT_TRUE(counting) << "counted " << Events();
  ASSERT_TRUE(members.back());
  const bool complete = FlushUntilComplete(Scaled(90));
  std::this_thread::sleep_for(seconds(2));  // anything written twice would show now
  const std::string logs = Stop(&members);
  EXPECT_TRUE(complete) << "counted " << Events() << "\n" << logs;
  ExpectExactlyOnce(death.stderr_text + logs);
  EXPECT_GT(CountOf(logs, "restores its state at offset"), 0) << logs;
}

}  // namespace
}  // namespace sluice::cli::testing
