// Kafka broker faults, injected into the development broker (librdkafka's mock cluster, three
// brokers, in the test process) while `sluice run` works against it:
// - the Kafka *source* meets failing Fetch requests, a partition leader moving to another broker
//   and the leader broker of a partition going down and up again, while the pipeline writes
//   exactly-once into a ClickHouse ReplicatedMergeTree table (identical blocks): the table ends
//   with every input id exactly once (no FINAL) and the pipeline is still running (SIGTERM then
//   ends it with exit code 0); an offset reset fails the pipeline ('auto.offset.reset' = 'error').
// - the Kafka *sink* in exactly-once mode (one transaction per epoch) meets failing Produce
//   requests and the leader broker of an output partition going down and up again: a
//   read_committed consumer finds every id exactly once and the bounded run ends by itself.
// The group and transaction coordinators stay on broker 1; the faults hit brokers 2 and 3. Each
// partition's backlog stays far below the development broker's ~5 MB retention.

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/tests/subprocess.h"
#include "connectors/tests/kafka_test_broker.h"
#include "testing/clickhouse_server.h"
#include "testing/temp_dir.h"
#include "testing/zookeeper_server.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::connectors::KafkaTestBroker;
using ::sluice::connectors::KafkaTestProducer;
using ::sluice::testing::ClickHouseServer;
using ::sluice::testing::TempDir;
using ::sluice::testing::ZooKeeperServer;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
constexpr int kPartitions = 3;
constexpr int16_t kFetch = 1;    // Kafka API key of Fetch requests
constexpr int16_t kProduce = 0;  // of Produce requests

const char* const kSourcePipeline = R"sql(
SET 'pipeline.name' = 'kfaults';
SET 'state.dir' = '${STATE_DIR}';
SET 'execution.epoch-interval' = '100 ms';

CREATE TABLE events (id BIGINT, v STRING)
WITH ('connector' = 'kafka', 'topic' = 'faults_in', 'format' = 'json',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'kfaults',
      'properties.auto.offset.reset' = 'error', 'scan.startup.mode' = 'earliest-offset');
CREATE TABLE sunk (id BIGINT, v STRING)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'kfaults',
      'table-name' = 'sunk', 'sink.delivery-guarantee' = 'exactly-once');

INSERT INTO sunk SELECT id, v FROM events;
)sql";

const char* const kSinkPipeline = R"sql(
SET 'pipeline.name' = 'ksink';
SET 'execution.epoch-interval' = '100 ms';

CREATE TABLE gen (id BIGINT, v STRING)
WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.id.kind' = 'sequence',
      'fields.id.start' = '0', 'fields.id.end' = '11999', 'fields.v.length' = '12');
CREATE TABLE copied (id BIGINT, v STRING)
WITH ('connector' = 'kafka', 'topic' = 'faults_out', 'format' = 'json', 'key.fields' = 'id',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}',
      'sink.delivery-guarantee' = 'exactly-once');

INSERT INTO copied SELECT id, v FROM gen;
)sql";

std::string Event(int id) {
  return "{\"id\":" + std::to_string(id) + ",\"v\":\"value-" + std::to_string(id) + "\"}";
}

class KafkaBrokerFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = broker_.cluster().cluster();
    // Coordinators on broker 1, which stays up: the faults are partition leaders'.
    ASSERT_EQ(rd_kafka_mock_coordinator_set(cluster_, "group", "kfaults", 1), 0);
    ASSERT_EQ(rd_kafka_mock_coordinator_set(cluster_, "transaction", "sluice-ksink-copied", 1), 0);
  }

  // Creates `topic` with kPartitions partitions replicated on all three brokers, partition p led
  // by broker p + 1.
  void CreateTopic(const char* topic, int partitions = kPartitions) {
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, topic, partitions, 3), 0);
    for (int p = 0; p < partitions; ++p) {
      ASSERT_EQ(rd_kafka_mock_partition_set_leader(cluster_, topic, p, p % 3 + 1), 0);
    }
  }

  // Makes the next `n` requests of `api_key` (to any broker) fail, with `errors` in turn.
  void PushErrors(int16_t api_key, size_t n, const std::vector<rd_kafka_resp_err_t>& errors) {
    std::vector<rd_kafka_resp_err_t> each;
    for (size_t i = 0; i < n; ++i) each.push_back(errors[i % errors.size()]);
    rd_kafka_mock_push_request_errors_array(cluster_, api_key, each.size(), each.data());
  }

  // Waits (every 50 ms, reading the child's output meanwhile) until `done` holds.
  static bool WaitFor(Subprocess* child, const std::function<bool()>& done, seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      child->ReadStdoutUntil(SIZE_MAX, milliseconds(50));
      std::this_thread::sleep_for(milliseconds(10));  // in case the child's pipes are closed
    }
    return true;
  }

  KafkaTestBroker broker_{3};
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  TempDir dir_;
};

TEST_F(KafkaBrokerFaultsTest, SourceMeetsFetchErrorsLeaderChangeAndBrokerDownEveryRowOnce) {
  ZooKeeperServer zookeeper;
  ClickHouseServer clickhouse;
  ASSERT_TRUE(zookeeper.Start().ok());
  ASSERT_TRUE(clickhouse.UseZooKeeper(zookeeper.port()).ok());
  Status started = clickhouse.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  for (const char* ddl :
       {"CREATE DATABASE kfaults",
        "CREATE TABLE kfaults.sunk (id Int64, v String) ENGINE = "
        "ReplicatedMergeTree('/clickhouse/tables/{shard}/sunk', '{replica}') ORDER BY id"}) {
    auto done = clickhouse.Query(ddl);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
  }
  CreateTopic("faults_in");
  // Idempotent: the test's own retries never duplicate an input record. A request in flight to
  // a broker that goes down gets no answer: give it up after 3 s (and send it again) rather than
  // the default 60 s, longer than a flush waits.
  KafkaTestProducer producer(broker_.bootstraps(),
                             {{"enable.idempotence", "true"}, {"socket.timeout.ms", "3000"}});
  int produced = 0;
  auto produce = [&](int n) {
    for (int i = 0; i < n; ++i, ++produced) {
      producer.Produce("faults_in", produced % kPartitions, Event(produced));
    }
  };
  auto count = [&] {
    auto result = clickhouse.Query("SELECT count() FROM kfaults.sunk");
    return result.ok() ? std::atoll(result->c_str()) : -1;
  };

  auto run = Subprocess::Start({kSluice, "run", dir_.Write("kfaults.sql", kSourcePipeline)},
                               {{"KAFKA_BROKERS", broker_.bootstraps()},
                                {"CLICKHOUSE_URL", clickhouse.url()},
                                {"STATE_DIR", dir_.File("state")}});
  ASSERT_TRUE(run.ok()) << run.status().message();
  Subprocess* child = run->get();
  produce(3000);
  producer.Flush();
  ASSERT_TRUE(WaitFor(
      child, [&] { return count() >= produced; }, seconds(60)))
      << count();

  // Fetch requests fail with retryable errors (each of the next 30, whichever broker gets it).
  PushErrors(kFetch, 30,
             {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
              RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE});
  produce(3000);
  producer.Flush();
  ASSERT_TRUE(WaitFor(
      child, [&] { return count() >= produced; }, seconds(60)))
      << count();

  // Partition 0's leader moves from broker 1 to broker 2.
  ASSERT_EQ(rd_kafka_mock_partition_set_leader(cluster_, "faults_in", 0, 2), 0);
  produce(3000);
  producer.Flush();
  ASSERT_TRUE(WaitFor(
      child, [&] { return count() >= produced; }, seconds(60)))
      << count();

  // Broker 3 (leader of partition 2) goes down for 3 s while records keep coming.
  rd_kafka_mock_broker_set_down(cluster_, 3);
  produce(3000);
  child->ReadStdoutUntil(SIZE_MAX, seconds(3));
  rd_kafka_mock_broker_set_up(cluster_, 3);
  producer.Flush();
  ASSERT_TRUE(WaitFor(
      child, [&] { return count() >= produced; }, seconds(60)))
      << count();

  // Still running: more records arrive, then SIGTERM ends the run cleanly.
  produce(1000);
  producer.Flush();
  ASSERT_TRUE(WaitFor(
      child, [&] { return count() >= produced; }, seconds(60)))
      << count();
  child->Signal(SIGTERM);
  SubprocessOutput out = child->Wait(seconds(30));
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_EQ(count(), produced) << out.stderr_text;
  auto distinct = clickhouse.Query(
      "SELECT concat(toString(uniqExact(id)), ' ', toString(min(id)), ' ', toString(max(id))) "
      "FROM kfaults.sunk");
  ASSERT_TRUE(distinct.ok());
  EXPECT_EQ(*distinct, std::to_string(produced) + " 0 " + std::to_string(produced - 1) + "\n");
  // The faults were met (librdkafka logs them through sluice's log).
  EXPECT_EQ(out.stderr_text.find("Local: Offset reset"), std::string::npos) << out.stderr_text;
}

TEST_F(KafkaBrokerFaultsTest, ExactlyOnceSinkMeetsProduceErrorsAndBrokerDownEveryRowOnce) {
  constexpr int kRows = 12000;
  CreateTopic("faults_out");
  CreateTopic("faults_out.sluice-epochs", 1);
  auto run = Subprocess::Start({kSluice, "run", dir_.Write("ksink.sql", kSinkPipeline)},
                               {{"KAFKA_BROKERS", broker_.bootstraps()}});
  ASSERT_TRUE(run.ok()) << run.status().message();
  Subprocess* child = run->get();
  auto committed = [&] { return broker_.ReadToEnd("faults_out", kPartitions).size(); };
  ASSERT_TRUE(WaitFor(
      child, [&] { return committed() >= 1000; }, seconds(60)));

  // Produce requests fail with retryable errors (each of the next 20).
  PushErrors(kProduce, 20,
             {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
              RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE});
  const size_t before_errors = committed();
  ASSERT_TRUE(WaitFor(
      child, [&] { return committed() >= before_errors + 2000; }, seconds(60)));

  // Broker 2 (leader of output partition 1) goes down for 3 s.
  rd_kafka_mock_broker_set_down(cluster_, 2);
  child->ReadStdoutUntil(SIZE_MAX, seconds(3));
  rd_kafka_mock_broker_set_up(cluster_, 2);

  // The bounded input ends: the run finishes by itself.
  SubprocessOutput out = child->Wait(seconds(120));
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  std::map<std::string, int> counts;
  for (const auto& m : broker_.ReadToEnd("faults_out", kPartitions)) ++counts[m.key];
  EXPECT_EQ(counts.size(), size_t(kRows)) << out.stderr_text;
  int repeated = 0;
  for (int id = 0; id < kRows; ++id) {
    const std::string key = "{\"id\":" + std::to_string(id) + "}";
    EXPECT_EQ(counts[key], 1) << "id " << id;
    repeated += counts[key] > 1;
  }
  EXPECT_EQ(repeated, 0);
}

}  // namespace
}  // namespace sluice::cli::testing
