// Scale-out with partial aggregation (issue 14): three `sluice run` processes of one pipeline
// share a 12-partition topic as one consumer group and write partial TUMBLE aggregates, grouped by
// a key that is not the topic's message key, into one ReplicatedSummingMergeTree table
// ('sink.aggregation' = 'partial'). The first process kills itself (SIGKILL) after its second
// block, in the middle of an epoch's writes (SLUICE_CRASH_AT=sink-block-written:2), having
// recorded that epoch's intents; the others take its partitions over and re-read exactly those
// ranges first; a fourth process joins later. The merged result must equal the aggregates of
// every event once, computed here from the generated events: no loss, no duplicate.
//
// The development broker runs in this process (it survives the kill); the group's session
// timeout is short so the dead member's partitions move within seconds. Offsets 0 are committed
// for the group before any process starts, so 'properties.auto.offset.reset' = 'error' turns any
// reset (the broker dropped data) into a failed run.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>

#include <chrono>
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
constexpr int kEvents = 60000;

constexpr char kPipeline[] = R"sql(
SET 'pipeline.name' = 'scale';
SET 'state.dir' = '${STATE_DIR}';
SET 'execution.epoch-interval' = '200 ms';
CREATE TABLE events (id BIGINT, user_id BIGINT, k STRING, v BIGINT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'scale_in',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'scale',
      'properties.session.timeout.ms' = '3000', 'properties.heartbeat.interval.ms' = '300',
      'properties.auto.offset.reset' = 'error', 'format' = 'json');
CREATE TABLE per_window (k STRING NOT NULL, window_start TIMESTAMP(3) NOT NULL,
  window_end TIMESTAMP(3) NOT NULL, n BIGINT, total BIGINT, lo BIGINT, hi BIGINT)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'scale',
      'table-name' = 'per_window', 'sink.aggregation' = 'partial',
      'sink.delivery-guarantee' = 'exactly-once');
INSERT INTO per_window
SELECT k, window_start, window_end, COUNT(*), SUM(v), MIN(v), MAX(v)
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY k, window_start, window_end;
)sql";

class ScaleOutPartialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status zk = zookeeper_.Start();
    ASSERT_TRUE(zk.ok()) << zk.ToString();
    ASSERT_TRUE(clickhouse_.UseZooKeeper(zookeeper_.port()).ok());
    Status ch = clickhouse_.Start();
    ASSERT_TRUE(ch.ok()) << ch.ToString();
    for (const char* ddl : {
             "CREATE DATABASE scale",
             "CREATE TABLE scale.per_window (k String, window_start DateTime, window_end "
             "DateTime, n Int64, total Nullable(Int64), lo AggregateFunction(min, Int64), hi "
             "AggregateFunction(max, Int64)) ENGINE = ReplicatedSummingMergeTree("
             "'/clickhouse/tables/{shard}/per_window', '{replica}') ORDER BY (k, window_start, "
             "window_end) SETTINGS replicated_deduplication_window = 10000",
         }) {
      auto done = clickhouse_.Query(ddl);
      ASSERT_TRUE(done.ok()) << done.status().ToString();
    }
    ASSERT_TRUE(cluster_.Start().ok());
    ASSERT_TRUE(cluster_.CreateTopic("scale_in", kPartitions).ok());
    producer_.emplace(cluster_.bootstraps());
    ScaleOutEvents::CommitOffsetZero(cluster_.bootstraps(), "scale", "scale_in", kPartitions);
  }

  // Produces events [from, to) keyed by user, partitioned by user, and waits for delivery.
  void Produce(int from, int to) {
    for (int id = from; id < to; ++id) {
      const int64_t user = ScaleOutEvents::UserOf(id);
      producer_->ProduceMessage("scale_in", static_cast<int32_t>(user % kPartitions),
                                std::to_string(user), ScaleOutEvents::Json(id), 0, {});
    }
    producer_->Flush();
  }

  std::unique_ptr<Subprocess> StartSluice(int member, const std::string& crash_at = "") {
    EnvVars env = {{"KAFKA_BROKERS", cluster_.bootstraps()},
                   {"CLICKHOUSE_URL", clickhouse_.url()},
                   {"STATE_DIR", dir_.File(fmt::format("state-{}", member))}};
    if (!crash_at.empty()) env.push_back({"SLUICE_CRASH_AT", crash_at});
    auto child = Subprocess::Start({kSluice, "run", "--log-level", "warn", sql_path_}, env);
    EXPECT_TRUE(child.ok()) << child.status().message();
    return child.ok() ? std::move(*child) : nullptr;
  }

  // Runs `sluice status` on the pipeline; returns its table.
  std::string SluiceStatus() {
    auto out = Subprocess::Run({kSluice, "status", sql_path_},
                               {{"KAFKA_BROKERS", cluster_.bootstraps()},
                                {"CLICKHOUSE_URL", clickhouse_.url()},
                                {"STATE_DIR", dir_.File("state-status")}},
                               seconds(30));
    EXPECT_TRUE(out.ok() && out->exit_code == 0)
        << (out.ok() ? out->stderr_text : out.status().message());
    return out.ok() ? out->stdout_text : "";
  }

  static int CountOf(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }

  int64_t MergedEvents() {
    auto result = clickhouse_.Query("SELECT sum(n) FROM scale.per_window");
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

  ZooKeeperServer zookeeper_;
  ClickHouseServer clickhouse_;
  connectors::MockCluster cluster_;
  std::optional<connectors::KafkaTestProducer> producer_;
  TempDir dir_;
  std::string sql_path_ = dir_.Write("scale.sql", kPipeline);
};

TEST_F(ScaleOutPartialTest, KillAndJoinLeaveEveryEventMergedOnce) {
  Produce(0, 20000);
  std::unique_ptr<Subprocess> doomed = StartSluice(1, "sink-block-written:2");
  std::vector<std::unique_ptr<Subprocess>> members;
  members.push_back(StartSluice(2));
  members.push_back(StartSluice(3));
  ASSERT_TRUE(doomed && members[0] && members[1]);
  SubprocessOutput death = doomed->Wait(seconds(60));
  ASSERT_EQ(death.term_signal, SIGKILL) << death.stderr_text;

  Produce(20000, 40000);
  ASSERT_TRUE(WaitFor([&] { return MergedEvents() >= 30000; }, seconds(60)))
      << "merged: " << MergedEvents();
  members.push_back(StartSluice(4));
  ASSERT_TRUE(members.back());
  Produce(40000, kEvents);
  EXPECT_TRUE(WaitFor([&] { return MergedEvents() >= kEvents; }, seconds(60)))
      << "merged: " << MergedEvents();
  std::this_thread::sleep_for(seconds(2));  // anything written twice would show now

  // `sluice status` finds the three live members through the status topic, each owning some of
  // the 12 partitions and every partition owned once.
  std::string status;
  EXPECT_TRUE(WaitFor(
      [&] {
        status = SluiceStatus();
        return status.find(
                   "scale_in): 12 of 12 partition(s) owned by live processes; not "
                   "owned: none; owned by several: none") != std::string::npos &&
               CountOf(status, " running ") == 3;
      },
      seconds(20)))
      << status;

  std::string logs;
  for (auto& member : members) {
    member->Signal(SIGTERM);
    SubprocessOutput out = member->Wait(seconds(30));
    EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
    logs += out.stderr_text;
  }
  // The dead member left intents; a survivor re-read those ranges first.
  EXPECT_NE(logs.find("was taken over with an intent"), std::string::npos) << logs;

  EXPECT_EQ(MergedEvents(), kEvents);
  auto merged = clickhouse_.Query(
      "SELECT k, toUnixTimestamp(window_start), sum(n), sum(total), minMerge(lo), maxMerge(hi) "
      "FROM scale.per_window GROUP BY k, window_start ORDER BY k, window_start "
      "FORMAT TabSeparated");
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(*merged, ScaleOutEvents::ExpectedWindows(kEvents));
}

}  // namespace
}  // namespace sluice::cli::testing
