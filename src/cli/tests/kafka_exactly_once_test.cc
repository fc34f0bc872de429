// Exactly-once into Kafka under crashes: `sluice run` copies a topic into another through a
// transactional Kafka sink ('sink.delivery-guarantee' = 'exactly-once') and is killed with
// SIGKILL again and again, mostly right after a Kafka transaction committed and before sluice
// wrote the epoch's commit record (SLUICE_CRASH_AT=kafka-transaction-committed), once while
// writing a checkpoint. Each restart recovers and replays; a read_committed consumer must then
// find every input event in the output topic exactly once. The development broker runs in the
// test process, so it survives the kills. The group's session timeout is short: a restarted run
// joins only when the killed member's session has expired.
//
// The development broker (librdkafka's mock cluster) does not hide the records of aborted or open
// transactions from read_committed consumers (its Fetch answers list no aborted transactions and
// its last stable offset is the log end), so kills inside an open transaction would show records
// a real broker hides: the crash points used here all fall outside open transactions.

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

#include "cli/tests/subprocess.h"
#include "connectors/kafka/kafka_client_config.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/tests/kafka_test_producer.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

constexpr char kPipeline[] = R"sql(
SET 'pipeline.name' = 'eo';
SET 'execution.epoch-interval' = '100 ms';
SET 'execution.checkpoint-interval' = '300 ms';
CREATE TABLE events (id BIGINT, name STRING)
WITH ('connector' = 'kafka', 'topic' = 'eo_in',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'eo',
      'properties.session.timeout.ms' = '3000', 'properties.heartbeat.interval.ms' = '300',
      'properties.auto.offset.reset' = 'error', 'scan.startup.mode' = 'earliest-offset',
      'format' = 'json');
CREATE TABLE copied (id BIGINT, name STRING)
WITH ('connector' = 'kafka', 'topic' = 'eo_out',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'format' = 'json',
      'sink.delivery-guarantee' = 'exactly-once');
INSERT INTO copied SELECT id, name FROM events;
)sql";

std::string Event(int id) {
  return "{\"id\":" + std::to_string(id) + ",\"name\":\"n" + std::to_string(id) + "\"}";
}

class KafkaExactlyOnceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.Start().ok());
    ASSERT_TRUE(cluster_.CreateTopic("eo_in", 2).ok());
    ASSERT_TRUE(cluster_.CreateTopic("eo_out", 2).ok());
    ASSERT_TRUE(cluster_.CreateTopic("eo_out.sluice-epochs", 1).ok());
    producer_.emplace(cluster_.bootstraps());
    path_ = dir_.Write("eo.sql", kPipeline);
  }

  // Produces events [from, to) over both input partitions and waits for their delivery.
  void Produce(int from, int to) {
    for (int id = from; id < to; ++id) producer_->Produce("eo_in", id % 2, Event(id));
    producer_->Flush();
  }

  std::unique_ptr<Subprocess> Start(const std::string& crash_at) {
    EnvVars env = {{"KAFKA_BROKERS", cluster_.bootstraps()}};
    if (!crash_at.empty()) env.push_back({"SLUICE_CRASH_AT", crash_at});
    auto child = Subprocess::Start({kSluice, "run", path_}, env);
    EXPECT_TRUE(child.ok()) << child.status().message();
    return child.ok() ? std::move(*child) : nullptr;
  }

  // Counts each value of the output topic as a read_committed consumer sees it, up to the end.
  std::map<std::string, int> ReadOutput() {
    auto conf = connectors::KafkaClientConfig::Build({{"bootstrap.servers", cluster_.bootstraps()},
                                                      {"group.id", "eo-check"},
                                                      {"isolation.level", "read_committed"},
                                                      {"enable.partition.eof", "true"}},
                                                     {});
    auto consumer =
        connectors::KafkaClientConfig::CreateClient(RD_KAFKA_CONSUMER, std::move(*conf));
    rd_kafka_t* rk = consumer->get();
    connectors::RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(2));
    for (int p = 0; p < 2; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), "eo_out", p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(rk, list.get());
    std::map<std::string, int> counts;
    int at_end = 0;
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (at_end < 2 && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        ++at_end;
      } else if (m->err) {
        ADD_FAILURE() << rd_kafka_message_errstr(m);
      } else {
        ++counts[std::string(static_cast<const char*>(m->payload), m->len)];
      }
      rd_kafka_message_destroy(m);
    }
    EXPECT_EQ(at_end, 2);
    rd_kafka_consumer_close(rk);
    return counts;
  }

  // Returns how many distinct values the output holds.
  size_t Distinct() { return ReadOutput().size(); }

  template <typename Done>
  static bool WaitFor(Done done, seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(100));
    }
    return true;
  }

  connectors::MockCluster cluster_;
  std::optional<connectors::KafkaTestProducer> producer_;
  TempDir dir_;
  std::string path_;
};

// Six runs that kill themselves (five right after their first transaction commit, one at its
// second state-file rename: a checkpoint), each after 40 more events were produced, then a last run
// that is stopped with SIGTERM once the output holds all 280 events. Expected: ids 0..279 each
// exactly once.
TEST_F(KafkaExactlyOnceTest, KilledAfterTransactionCommitsEveryEventOnce) {
  const std::vector<std::string> crashes = {
      "kafka-transaction-committed:1", "kafka-transaction-committed:1",
      "state-file-rename:2",           "kafka-transaction-committed:1",
      "kafka-transaction-committed:1", "kafka-transaction-committed:1"};
  int produced = 0;
  std::string logs;
  for (const auto& crash : crashes) {
    Produce(produced, produced + 40);
    produced += 40;
    auto run = Start(crash);
    ASSERT_NE(run, nullptr);
    SubprocessOutput out = run->Wait(seconds(60));
    ASSERT_FALSE(out.timed_out) << crash << " never reached\n" << out.stderr_text;
    ASSERT_EQ(out.term_signal, SIGKILL) << crash << "\n" << out.stderr_text;
    logs += out.stderr_text;
  }
  Produce(produced, produced + 40);
  produced += 40;
  auto run = Start("");
  ASSERT_NE(run, nullptr);
  const bool complete = WaitFor([&] { return Distinct() >= size_t(produced); }, seconds(60));
  run->Signal(SIGTERM);
  SubprocessOutput last = run->Wait(seconds(20));
  logs += last.stderr_text;
  EXPECT_EQ(last.exit_code, 0) << last.stderr_text;
  ASSERT_TRUE(complete) << Distinct() << " of " << produced << "\n" << logs;
  std::map<std::string, int> counts = ReadOutput();
  EXPECT_EQ(counts.size(), size_t(produced));
  for (int id = 0; id < produced; ++id) {
    EXPECT_EQ(counts[Event(id)], 1) << "event " << id;
  }
  // The crash gap was exercised: a restart found its replayed epoch committed in Kafka.
  EXPECT_NE(logs.find("not written again"), std::string::npos) << logs;
  EXPECT_NE(logs.find("exactly-once for read_committed consumers"), std::string::npos) << logs;
}

}  // namespace
}  // namespace sluice::cli::testing
