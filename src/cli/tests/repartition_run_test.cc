// Repartitioning (issue 14), one process: a TUMBLE aggregation grouped by a key that is not the
// input topic's message key runs, with SET 'pipeline.repartition' = 'auto', as two jobs joined by
// an internal Kafka topic keyed by the group key (created by sluice with the input's 12
// partitions). The windows written to ClickHouse must equal the aggregates of every event once,
// computed here, which is what the same pipeline gives without repartitioning (also run here).
//
// Job B's watermark of an internal partition advances only with rows reaching it from every input
// partition (each row carries its own watermark), so the test ends the input with rounds of
// "flush" events far in the future, one per group key and input partition, until every real
// window has fired; their own window never fires.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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
constexpr int kEvents = 30000;
constexpr int kKeys = 97;
constexpr int64_t kStartMs = 1717200000000;  // 2024-06-01T00:00:00Z
constexpr char kInternalTopic[] = "repart.per_window.repartition";
constexpr int64_t kFlushMs = kStartMs + 3600 * 1000;  // an hour later: the flush events

constexpr char kPipeline[] = R"sql(
SET 'pipeline.name' = '${PIPELINE}';
SET 'pipeline.repartition' = '${REPARTITION}';
SET 'state.dir' = '${STATE_DIR}';
SET 'execution.epoch-interval' = '200 ms';
SET 'execution.checkpoint-interval' = '1 s';
CREATE TABLE events (id BIGINT, user_id BIGINT, k STRING, v BIGINT, price DOUBLE, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'repart_in',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = '${PIPELINE}',
      'properties.auto.offset.reset' = 'earliest', 'format' = 'json',
      'properties.session.timeout.ms' = '3000', 'properties.heartbeat.interval.ms' = '300',
      'key.format' = 'json', 'key.fields' = 'user_id', 'value.fields-include' = 'ALL');
CREATE TABLE per_window (k STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3),
  n BIGINT, total BIGINT, amount DOUBLE, lo BIGINT, hi BIGINT)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'repart',
      'table-name' = '${TABLE}');
INSERT INTO per_window
SELECT k, window_start, window_end, COUNT(*), SUM(v), SUM(price), MIN(v), MAX(v)
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
WHERE v >= 0
GROUP BY k, window_start, window_end;
)sql";

struct Totals {
  int64_t n = 0, total = 0, lo = INT64_MAX, hi = INT64_MIN;
  double amount = 0;
};

// Event `id`: its user (the message key, which picks the partition), group key and values.
int64_t UserOf(int id) { return (static_cast<int64_t>(id) * 7919) % 1000; }
std::string KeyOf(int id) { return fmt::format("k{}", id % kKeys); }
// Every 50th event has a negative value, which the query filters out (in job A).
int64_t ValueOf(int id) { return id % 50 == 49 ? -id : static_cast<int64_t>(id) * 1000 + id % 997; }
double PriceOf(int id) {
  return (id % 1013) / 8.0;
}  // exact in binary: sums do not depend on order
int64_t TimeOf(int id) { return kStartMs + static_cast<int64_t>(id) * 5; }

class RepartitionRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status zk = zookeeper_.Start();
    ASSERT_TRUE(zk.ok()) << zk.ToString();
    ASSERT_TRUE(clickhouse_.UseZooKeeper(zookeeper_.port()).ok());
    Status ch = clickhouse_.Start();
    ASSERT_TRUE(ch.ok()) << ch.ToString();
    for (const char* ddl : {"CREATE DATABASE repart",
                            "CREATE TABLE repart.direct (k String, window_start DateTime, "
                            "window_end DateTime, n Int64, total Int64, amount Float64, lo "
                            "Int64, hi Int64) ENGINE = MergeTree ORDER BY (k, window_start)",
                            "CREATE TABLE repart.repartitioned AS repart.direct",
                            // Identical blocks written again after a restart are dropped.
                            "CREATE TABLE repart.restarted AS repart.direct ENGINE = "
                            "ReplicatedMergeTree('/clickhouse/tables/{shard}/restarted', "
                            "'{replica}') ORDER BY (k, window_start)"}) {
      auto done = clickhouse_.Query(ddl);
      ASSERT_TRUE(done.ok()) << done.status().ToString();
    }
    ASSERT_TRUE(cluster_.Start().ok());
    ASSERT_TRUE(cluster_.CreateTopic("repart_in", kPartitions).ok());
    // sluice creates these on a real broker; the development broker has no CreateTopics.
    for (const std::string pipeline : {"repart", "restart"}) {
      const std::string topic = pipeline + ".per_window.repartition";
      ASSERT_TRUE(cluster_.CreateTopic(topic, kPartitions).ok());
      ASSERT_TRUE(cluster_.CreateTopic(topic + ".sluice-epochs", 1).ok());
    }
    producer_.emplace(cluster_.bootstraps());
  }

  void ProduceEvent(int id, int64_t ts_ms) {
    const std::string value =
        fmt::format("{{\"id\":{},\"user_id\":{},\"k\":\"{}\",\"v\":{},\"price\":{},\"ts\":{}}}", id,
                    UserOf(id), KeyOf(id), ValueOf(id), PriceOf(id), ts_ms);
    producer_->ProduceMessage("repart_in", static_cast<int32_t>(UserOf(id) % kPartitions),
                              fmt::format("{{\"user_id\":{}}}", UserOf(id)), value, 0, {});
  }

  // Produces the events, one flush round, and waits for delivery.
  void ProduceAll() {
    for (int id = 0; id < kEvents; ++id) ProduceEvent(id, TimeOf(id));
    ProduceFlushRound(0);
  }

  // Produces events from `*next_id` on in chunks of 100, one every 250 ms, until `stop` or the
  // last event.
  void ProduceWhile(const std::atomic<bool>& stop, int* next_id) {
    while (!stop && *next_id < kEvents) {
      for (int end = std::min(*next_id + 100, kEvents); *next_id < end; ++*next_id) {
        ProduceEvent(*next_id, TimeOf(*next_id));
      }
      producer_->Flush();
      std::this_thread::sleep_for(milliseconds(250));
    }
  }

  // One event per group key and input partition an hour after the others (ids past kEvents):
  // they move the watermark, and their window never fires. Job B's watermark of an internal
  // partition is the minimum over the input partitions of the rows reaching it, so each input
  // partition must send each key. (Job B sees only rows job A's filter keeps: these pass it.)
  void ProduceFlushRound(int round) {
    for (int p = 0; p < kPartitions; ++p) {
      for (int key = 0; key < kKeys; ++key) {
        const int id = kEvents + (round * kPartitions + p) * kKeys + key;
        const std::string value =
            fmt::format("{{\"id\":{},\"user_id\":{},\"k\":\"k{}\",\"v\":0,\"price\":0,\"ts\":{}}}",
                        id, p, key, kFlushMs + round);
        producer_->ProduceMessage("repart_in", p, fmt::format("{{\"user_id\":{}}}", p), value, 0,
                                  {});
      }
    }
    producer_->Flush();
  }

  std::unique_ptr<Subprocess> StartSluice(const std::string& pipeline, const std::string& table,
                                          bool repartition, const std::string& crash_at = "") {
    EnvVars env = {{"KAFKA_BROKERS", cluster_.bootstraps()},
                   {"CLICKHOUSE_URL", clickhouse_.url()},
                   {"PIPELINE", pipeline},
                   {"TABLE", table},
                   {"REPARTITION", repartition ? "auto" : "none"},
                   {"STATE_DIR", dir_.File("state-" + pipeline)}};
    if (!crash_at.empty()) env.push_back({"SLUICE_CRASH_AT", crash_at});
    auto child = Subprocess::Start({kSluice, "run", "--log-level", "info", sql_path_}, env);
    EXPECT_TRUE(child.ok()) << child.status().message();
    return child.ok() ? std::move(*child) : nullptr;
  }

  // Returns the high watermark of partition `p` of the internal topic.
  int64_t InternalMessages(int p) {
    auto conf = connectors::KafkaClientConfig::Build(
        {{"bootstrap.servers", cluster_.bootstraps()}, {"group.id", "repart-test"}}, {});
    EXPECT_TRUE(conf.ok());
    auto consumer =
        connectors::KafkaClientConfig::CreateClient(RD_KAFKA_CONSUMER, std::move(*conf));
    EXPECT_TRUE(consumer.ok());
    int64_t low = 0, high = 0;
    EXPECT_EQ(
        rd_kafka_query_watermark_offsets(consumer->get(), kInternalTopic, p, &low, &high, 10'000),
        RD_KAFKA_RESP_ERR_NO_ERROR);
    return high;
  }

  static int64_t KeptEvents() {
    int64_t kept = 0;
    for (int id = 0; id < kEvents; ++id) kept += ValueOf(id) >= 0 ? 1 : 0;
    return kept;
  }

  int64_t Events(const std::string& table) {
    auto result = clickhouse_.Query("SELECT sum(n) FROM repart." + table);
    return result.ok() ? std::atoll(result->c_str()) : -1;
  }

  // Runs the pipeline into `table` until every event is in it, sending flush rounds meanwhile;
  // returns the process's log.
  std::string RunUntilComplete(const std::string& pipeline, const std::string& table,
                               bool repartition) {
    std::unique_ptr<Subprocess> sluice = StartSluice(pipeline, table, repartition);
    EXPECT_TRUE(sluice);
    if (!sluice) return "";
    const auto deadline = std::chrono::steady_clock::now() + seconds(120);
    int round = 1;
    while (Events(table) < KeptEvents() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(1000));
      ProduceFlushRound(round++);
    }
    std::this_thread::sleep_for(seconds(1));  // anything written twice would show now
    sluice->Signal(SIGTERM);
    SubprocessOutput out = sluice->Wait(seconds(30));
    EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
    EXPECT_EQ(Events(table), KeptEvents()) << out.stderr_text;
    return out.stderr_text;
  }

  std::string Windows(const std::string& table) {
    auto rows = clickhouse_.Query(fmt::format(
        "SELECT k, toUnixTimestamp(window_start), n, total, amount, lo, hi FROM repart.{} "
        "ORDER BY k, window_start FORMAT TabSeparated",
        table));
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : "";
  }

  static std::string Expected() {
    std::map<std::pair<std::string, int64_t>, Totals> windows;
    for (int id = 0; id < kEvents; ++id) {
      if (ValueOf(id) < 0) continue;
      Totals& t = windows[{KeyOf(id), TimeOf(id) / 10000 * 10}];
      ++t.n;
      t.total += ValueOf(id);
      t.amount += PriceOf(id);
      t.lo = std::min(t.lo, ValueOf(id));
      t.hi = std::max(t.hi, ValueOf(id));
    }
    std::string out;
    for (const auto& [key, t] : windows) {
      out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\n", key.first, key.second, t.n, t.total,
                         t.amount, t.lo, t.hi);
    }
    return out;
  }

  ZooKeeperServer zookeeper_;
  ClickHouseServer clickhouse_;
  connectors::MockCluster cluster_;
  std::optional<connectors::KafkaTestProducer> producer_;
  TempDir dir_;
  std::string sql_path_ = dir_.Write("repart.sql", kPipeline);
};

TEST_F(RepartitionRunTest, OneProcessWritesWhatItWritesWithoutRepartitioning) {
  ProduceAll();
  const std::string log = RunUntilComplete("repart", "repartitioned", /*repartition=*/true);
  // Job A wrote every event its filter kept (and the flush rounds) into the internal topic,
  // spread over its partitions by group key.
  int64_t written = 0;
  int used = 0;
  for (int p = 0; p < kPartitions; ++p) {
    const int64_t messages = InternalMessages(p);
    written += messages;
    used += messages > 0 ? 1 : 0;
  }
  EXPECT_GE(written, KeptEvents()) << log;
  EXPECT_EQ(used, kPartitions) << log;
  EXPECT_NE(log.find("job per_window.repartition: Sink[per_window.repartition]: kafka topic "
                     "'repart.per_window.repartition'"),
            std::string::npos)
      << log;
  // Job B learned the input topic's partition count (each internal partition waits for them).
  EXPECT_NE(log.find("job per_window: each internal partition's watermark waits for the 12 "
                     "partitions of 'events'"),
            std::string::npos)
      << log;
  const std::string expected = Expected();
  EXPECT_EQ(Windows("repartitioned"), expected);

  RunUntilComplete("direct", "direct", /*repartition=*/false);
  EXPECT_EQ(Windows("direct"), expected);
}

// Exactly once with one process across kills: the process is killed right after job A's Kafka
// transaction committed (before the epoch's commit record), while writing a checkpoint, and
// again after a commit; each restart recovers from the state directory and replays. The
// development broker does not hide aborted transactions, so no kill falls inside one.
TEST_F(RepartitionRunTest, OneProcessKilledAndRestartedWritesEveryWindowOnce) {
  int next_id = 0;
  std::string logs;
  for (const char* crash :
       {"kafka-transaction-committed:3", "state-file-rename:3", "kafka-transaction-committed:4"}) {
    std::unique_ptr<Subprocess> run = StartSluice("restart", "restarted", true, crash);
    ASSERT_TRUE(run);
    // Events arrive while the run lives, so that it has epochs to commit.
    std::atomic<bool> dead{false};
    std::thread producer([&] { ProduceWhile(dead, &next_id); });
    SubprocessOutput out = run->Wait(seconds(60));
    dead = true;
    producer.join();
    EXPECT_FALSE(out.timed_out) << crash << " never reached\n" << out.stderr_text;
    EXPECT_EQ(out.term_signal, SIGKILL) << crash << "\n" << out.stderr_text;
    logs += out.stderr_text;
  }
  ASSERT_LT(next_id, kEvents) << "the kills should fall before the end of the input";
  for (int id = next_id; id < kEvents; ++id) ProduceEvent(id, TimeOf(id));
  ProduceFlushRound(0);
  logs += RunUntilComplete("restart", "restarted", /*repartition=*/true);
  EXPECT_EQ(Windows("restarted"), Expected()) << logs;
  // Every restart recovered from the state directory, and job A found its last transaction
  // committed in Kafka and did not write it again.
  size_t recoveries = 0;
  for (size_t at = logs.find("recovered from"); at != std::string::npos;
       at = logs.find("recovered from", at + 1)) {
    ++recoveries;
  }
  EXPECT_GE(recoveries, 3u) << logs;
  EXPECT_NE(logs.find("was committed in kafka before the crash; not written again"),
            std::string::npos)
      << logs;
}

}  // namespace
}  // namespace sluice::cli::testing
