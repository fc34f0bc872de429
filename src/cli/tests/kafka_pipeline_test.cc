// End-to-end Kafka pipelines: the sluice binary reads topics of a development broker, started
// in-process by the test (one cluster for the whole suite, its address passed as KAFKA_BROKERS)
// or as a `sluice kafka serve` process. Covers idle partitions and per-partition watermarks,
// malformed messages going to the dead-letter file, the separate development broker, and two
// processes sharing a consumer group. Every source sets 'properties.auto.offset.reset' = 'error',
// so an offset reset fails the pipeline (and the test, which expects exit code 0).

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/tests/subprocess.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/tests/kafka_test_producer.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;

using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

// 2024-01-01T00:00:00Z in epoch milliseconds.
constexpr int64_t kBaseMillis = 1704067200000;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::vector<std::string> SortedLines(const std::string& path) {
  auto lines = Lines(TempDir::Read(path));
  std::sort(lines.begin(), lines.end());
  return lines;
}

// "2024-01-01 00:00:05.500" for kBaseMillis + 5500.
std::string SqlTime(int64_t offset_ms) {
  char text[64];
  std::snprintf(text, sizeof(text), "2024-01-01 %02d:%02d:%02d.%03d",
                static_cast<int>(offset_ms / 3600000), static_cast<int>(offset_ms / 60000 % 60),
                static_cast<int>(offset_ms / 1000 % 60), static_cast<int>(offset_ms % 1000));
  return text;
}

std::string RowText(int id) { return std::to_string(id) + ",n" + std::to_string(id); }

// A plain librdkafka producer (independent of the code under test), compressing with lz4.
connectors::KafkaTestProducer NewProducer(const std::string& bootstraps) {
  return connectors::KafkaTestProducer(
      bootstraps, {{"message.max.bytes", "12000000"}, {"compression.type", "lz4"}});
}

class KafkaPipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new connectors::MockCluster();
    ASSERT_TRUE(cluster_->Start().ok());
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  static std::string Bootstraps() { return cluster_->bootstraps(); }

  // Starts `sluice run` on `sql` with KAFKA_BROKERS = `bootstraps` (the suite's cluster when
  // empty).
  std::unique_ptr<Subprocess> StartRun(const std::string& sql, const std::string& name,
                                       std::string bootstraps = "") {
    if (bootstraps.empty()) bootstraps = Bootstraps();
    auto child = Subprocess::Start({kSluice, "run", dir_.Write(name, sql)},
                                   {{"KAFKA_BROKERS", bootstraps}, {"DIR", dir_.path()}});
    EXPECT_TRUE(child.ok()) << child.status().message();
    return child.ok() ? std::move(*child) : nullptr;
  }

  // Waits until `done` holds (checked every 50 ms) or `timeout` passes; returns whether it held.
  template <typename Done>
  static bool WaitFor(Done done, seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return true;
  }

  // Stops `child` with SIGTERM and expects a clean exit without any offset reset.
  static SubprocessOutput Stop(Subprocess* child) {
    child->Signal(SIGTERM);
    SubprocessOutput out = child->Wait(seconds(15));
    EXPECT_FALSE(out.timed_out);
    EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
    EXPECT_EQ(out.stderr_text.find("reset"), std::string::npos) << out.stderr_text;
    return out;
  }

  static connectors::MockCluster* cluster_;
  TempDir dir_;
};

connectors::MockCluster* KafkaPipelineTest::cluster_ = nullptr;

// Three partitions, 10 s tumbling windows, 1 s watermark delay, 3 s idle timeout (above the
// skew between partitions' first fetches on a loaded machine, else a partition is idle too early).
// Partition 1 gets no data. Partition 0 holds key 'a' at 0, 1, ..., 34 s; partition 2 holds key 'b'
// at 5.5, 6.5, ..., 39.5 s, produced first: across partitions the events are out of order (all of
// 'b' is ahead of most of 'a'), within each partition in order. Per-partition watermarks end at
// 33 s (a) and 38.5 s (b); partition 1 is idle, so the pipeline watermark is 33 s and the windows
// [0,10), [10,20), [20,30) fire with every row: a 10, 10, 10; b 5 (5.5 .. 9.5), 10, 10. A single
// watermark over the topic would have made most of 'a' late; without the idle timeout the empty
// partition would hold every window back.
TEST_F(KafkaPipelineTest, IdlePartitionAndPerPartitionWatermarks) {
  ASSERT_TRUE(cluster_->CreateTopic("windows", 3).ok());
  connectors::KafkaTestProducer producer = NewProducer(Bootstraps());
  for (int i = 0; i < 35; ++i) {
    producer.Produce("windows", 2, "{\"k\":\"b\",\"ts\":\"" + SqlTime(5500 + 1000 * i) + "\"}");
  }
  for (int i = 0; i < 35; ++i) {
    producer.Produce("windows", 0, "{\"k\":\"a\",\"ts\":\"" + SqlTime(1000 * i) + "\"}");
  }
  producer.Flush();
  const std::string out = dir_.File("windows.csv");
  auto run = StartRun(R"sql(
SET 'execution.epoch-interval' = '100 ms';
CREATE TABLE events (k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'windows',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'windows',
      'properties.auto.offset.reset' = 'error', 'scan.startup.mode' = 'earliest-offset',
      'scan.watermark.idle-timeout' = '3 s', 'format' = 'json');
CREATE TABLE results (k STRING, window_start TIMESTAMP(3), cnt BIGINT)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/windows.csv', 'format' = 'csv');
INSERT INTO results
SELECT k, window_start, COUNT(*)
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY k, window_start, window_end;
)sql",
                      "windows.sql");
  ASSERT_NE(run, nullptr);
  bool fired = WaitFor([&] { return SortedLines(out).size() >= 6; }, seconds(20));
  std::this_thread::sleep_for(milliseconds(500));  // nothing more may come
  SubprocessOutput stopped = Stop(run.get());
  ASSERT_TRUE(fired) << TempDir::Read(out) << stopped.stderr_text;
  const std::vector<std::string> expected = {
      "a,2024-01-01 00:00:00.000,10", "a,2024-01-01 00:00:10.000,10",
      "a,2024-01-01 00:00:20.000,10", "b,2024-01-01 00:00:00.000,5",
      "b,2024-01-01 00:00:10.000,10", "b,2024-01-01 00:00:20.000,10"};
  EXPECT_EQ(SortedLines(out), expected);
}

// Malformed messages among good ones on one partition: not JSON, a wrong type, an empty value
// and a 10 MB value (over librdkafka's default 1 MB, so the test producer raises
// message.max.bytes). The development broker keeps about 5 MB per partition and would drop a
// plain 10 MB message at once, so the test producer compresses (lz4): the broker stores a few
// kilobytes and the consumer still receives 10 MB. Each is counted, logged and written to the
// dead-letter file with topic-partition@offset; the rows around them come through and the
// pipeline keeps running.
TEST_F(KafkaPipelineTest, MalformedMessagesGoToTheDeadLetterFile) {
  ASSERT_TRUE(cluster_->CreateTopic("malformed", 1).ok());
  connectors::KafkaTestProducer producer = NewProducer(Bootstraps());
  const std::string big = "{\"k\":\"big\",\"v\":\"" + std::string(10 * 1024 * 1024, 'x');
  const std::vector<std::string> values = {
      "{\"k\":\"a\",\"v\":1}",        // 0: good
      "not json",                     // 1
      "{\"k\":\"b\",\"v\":\"two\"}",  // 2: v is not an INT
      "",                             // 3: empty
      big,                            // 4: 10 MB, unterminated
      "{\"k\":\"c\",\"v\":3}",        // 5: good
  };
  for (const auto& v : values) producer.Produce("malformed", 0, v);
  producer.Flush();
  const std::string out = dir_.File("malformed.csv");
  const std::string dead = dir_.File("dead.ndjson");
  auto run = StartRun(R"sql(
SET 'execution.epoch-interval' = '100 ms';
SET 'pipeline.dead-letter.path' = ')sql" +
                          dead + R"sql(';
CREATE TABLE events (k STRING, v INT)
WITH ('connector' = 'kafka', 'topic' = 'malformed',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'malformed',
      'properties.auto.offset.reset' = 'error', 'scan.startup.mode' = 'earliest-offset',
      'format' = 'json');
CREATE TABLE results (k STRING, v INT)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/malformed.csv', 'format' = 'csv');
INSERT INTO results SELECT k, v FROM events;
)sql",
                      "malformed.sql");
  ASSERT_NE(run, nullptr);
  bool through = WaitFor([&] { return SortedLines(out).size() >= 2; }, seconds(20));
  // Still running: a good message produced after the bad ones arrives too.
  producer.Produce("malformed", 0, "{\"k\":\"d\",\"v\":4}");
  producer.Flush();
  bool later = WaitFor([&] { return SortedLines(out).size() >= 3; }, seconds(10));
  SubprocessOutput stopped = Stop(run.get());
  ASSERT_TRUE(through && later) << TempDir::Read(out) << stopped.stderr_text;
  EXPECT_EQ(SortedLines(out), (std::vector<std::string>{"a,1", "c,3", "d,4"}));
  std::vector<std::string> letters = Lines(TempDir::Read(dead));
  ASSERT_EQ(letters.size(), 4u);
  for (int offset = 1; offset <= 4; ++offset) {
    const std::string& letter = letters[offset - 1];
    EXPECT_NE(letter.find("\"location\":\"malformed-0@" + std::to_string(offset) + "\""),
              std::string::npos)
        << letter.substr(0, 300);
  }
  EXPECT_NE(letters[0].find("\"raw\":\"not json\""), std::string::npos) << letters[0];
  EXPECT_GT(letters[3].size(), 10u * 1024 * 1024);  // the raw bytes are kept whole
  EXPECT_NE(stopped.stderr_text.find("4 bad records"), std::string::npos) << stopped.stderr_text;
}

// The development broker as its own process: `sluice kafka serve` prints its address, `sluice
// kafka produce` sends a file to it, a pipeline reads the topic, and SIGTERM stops the broker
// with exit code 0.
TEST_F(KafkaPipelineTest, ServeProduceAndRunAsSeparateProcesses) {
  auto broker =
      Subprocess::Start({kSluice, "kafka", "serve", "--partitions", "2", "--topics", "served"});
  ASSERT_TRUE(broker.ok()) << broker.status().message();
  ASSERT_TRUE((*broker)->ReadStdoutUntil(1, seconds(10)));
  const std::string bootstraps = Lines((*broker)->stdout_so_far()).at(0);
  ASSERT_EQ(bootstraps.rfind("127.0.0.1:", 0), 0u) << bootstraps;
  std::string ndjson;
  for (int i = 1; i <= 20; ++i) {
    ndjson += "{\"id\":" + std::to_string(i) + ",\"name\":\"n" + std::to_string(i) + "\"}\n";
  }
  auto produced = Subprocess::Run({kSluice, "kafka", "produce", "--brokers", bootstraps, "--topic",
                                   "served", "--file", dir_.Write("served.ndjson", ndjson)},
                                  {}, seconds(30));
  ASSERT_TRUE(produced.ok()) << produced.status().message();
  ASSERT_EQ(produced->exit_code, 0) << produced->stderr_text;
  EXPECT_NE(produced->stdout_text.find("sent 20 message(s) to served"), std::string::npos)
      << produced->stdout_text;
  const std::string out = dir_.File("served.csv");
  auto run = StartRun(R"sql(
SET 'execution.epoch-interval' = '100 ms';
CREATE TABLE events (id BIGINT, name STRING)
WITH ('connector' = 'kafka', 'topic' = 'served',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'served',
      'properties.auto.offset.reset' = 'error', 'scan.startup.mode' = 'earliest-offset',
      'format' = 'json');
CREATE TABLE results (id BIGINT, name STRING)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/served.csv', 'format' = 'csv');
INSERT INTO results SELECT id, name FROM events WHERE id % 2 = 0;
)sql",
                      "served.sql", bootstraps);
  ASSERT_NE(run, nullptr);
  bool done = WaitFor([&] { return SortedLines(out).size() >= 10; }, seconds(20));
  std::this_thread::sleep_for(milliseconds(300));
  SubprocessOutput stopped = Stop(run.get());
  ASSERT_TRUE(done) << TempDir::Read(out) << stopped.stderr_text;
  std::vector<std::string> expected;
  for (int id = 2; id <= 20; id += 2) expected.push_back(RowText(id));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(SortedLines(out), expected);
  (*broker)->Signal(SIGTERM);
  SubprocessOutput broker_out = (*broker)->Wait(seconds(10));
  EXPECT_FALSE(broker_out.timed_out);
  EXPECT_EQ(broker_out.exit_code, 0) << broker_out.stderr_text;
}

// Two `sluice run` processes in one consumer group (session timeout 6 s) split a 4-partition
// topic. Then one is killed with SIGKILL and more rows are produced: after the session times out
// the survivor is assigned the dead member's partitions, resumes at the group's committed offsets
// and reads the rest. The union of both outputs holds every id; ids may repeat (rows written by
// the killed process in an epoch whose offsets were not committed yet are read again): at-least-
// once across a rebalance.
TEST_F(KafkaPipelineTest, TwoProcessesShareAGroupAndOneTakesOverAfterAKill) {
  ASSERT_TRUE(cluster_->CreateTopic("shared", 4).ok());
  const std::string sql = R"sql(
SET 'execution.epoch-interval' = '100 ms';
CREATE TABLE events (id BIGINT)
WITH ('connector' = 'kafka', 'topic' = 'shared',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'shared',
      'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '500',
      'properties.auto.offset.reset' = 'error', 'scan.startup.mode' = 'earliest-offset',
      'format' = 'json');
CREATE TABLE results (id BIGINT)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/${MEMBER}.csv', 'format' = 'csv');
INSERT INTO results SELECT id FROM events;
)sql";
  const std::string path = dir_.Write("shared.sql", sql);
  auto start = [&](const std::string& member) {
    auto child = Subprocess::Start(
        {kSluice, "run", path},
        {{"KAFKA_BROKERS", Bootstraps()}, {"DIR", dir_.path()}, {"MEMBER", member}});
    EXPECT_TRUE(child.ok()) << child.status().message();
    return child.ok() ? std::move(*child) : nullptr;
  };
  auto first = start("first");
  auto second = start("second");
  ASSERT_TRUE(first && second);
  auto ids_in = [&](const std::string& member) {
    std::set<std::string> ids;
    for (const auto& line : Lines(TempDir::Read(dir_.File(member + ".csv")))) ids.insert(line);
    return ids;
  };
  auto union_size = [&] {
    std::set<std::string> ids = ids_in("first");
    for (const auto& id : ids_in("second")) ids.insert(id);
    return ids.size();
  };
  connectors::KafkaTestProducer producer = NewProducer(Bootstraps());
  auto produce = [&](int from, int to) {
    for (int id = from; id < to; ++id) {
      producer.Produce("shared", id % 4, "{\"id\":" + std::to_string(id) + "}");
    }
    producer.Flush();
  };
  // Both members must hold partitions before the kill. How long the second join takes depends
  // on the machine, so rows go out one per partition every 300 ms until each member wrote one.
  int next_id = 0;
  const auto split_deadline = std::chrono::steady_clock::now() + seconds(40);
  while (std::chrono::steady_clock::now() < split_deadline &&
         (ids_in("first").empty() || ids_in("second").empty())) {
    produce(next_id, next_id + 4);
    next_id += 4;
    std::this_thread::sleep_for(milliseconds(300));
  }
  const int produced_before_kill = next_id;
  bool split = WaitFor([&] { return union_size() >= size_t(produced_before_kill); }, seconds(15));
  std::this_thread::sleep_for(milliseconds(500));  // the epoch's offsets are committed
  const size_t first_rows = ids_in("first").size(), second_rows = ids_in("second").size();
  first->Signal(SIGKILL);
  first->Wait(seconds(5));
  produce(next_id, next_id + 40);
  next_id += 40;
  bool taken_over = WaitFor([&] { return union_size() >= size_t(next_id); }, seconds(25));
  SubprocessOutput stopped = Stop(second.get());
  ASSERT_TRUE(split) << union_size() << " of " << produced_before_kill << "\n"
                     << stopped.stderr_text;
  EXPECT_GT(first_rows, 0u) << "the first member got no partition";
  EXPECT_GT(second_rows, 0u) << "the second member got no partition";
  EXPECT_LT(first_rows, size_t(produced_before_kill));
  ASSERT_TRUE(taken_over) << union_size() << " of " << next_id << "\n" << stopped.stderr_text;
  std::set<std::string> after_kill = ids_in("second");
  for (int id = produced_before_kill; id < next_id; ++id) {
    EXPECT_TRUE(after_kill.count(std::to_string(id))) << id << " missing from the survivor";
  }
}

// 'key.format' = 'json' with 'key.fields' = 'id' and 'value.fields-include' = 'EXCEPT_KEY': id
// comes from the key, name from the value; a message without key has a NULL id; a key that is
// not JSON makes the message a bad record (dead letter with its location). The 'headers'
// metadata column is the headers as a JSON object, 'key' the raw key.
TEST_F(KafkaPipelineTest, KeyFieldsFromTheKeyFormatAndHeadersMetadata) {
  ASSERT_TRUE(cluster_->CreateTopic("keyed", 1).ok());
  connectors::KafkaTestProducer producer = NewProducer(Bootstraps());
  producer.ProduceMessage("keyed", 0, R"({"id":1})", R"({"name":"a","id":99})", 0,
                          {{"trace", "t1"}});
  producer.ProduceMessage("keyed", 0, std::nullopt, R"({"name":"b"})", 0, {});
  producer.ProduceMessage("keyed", 0, "not json", R"({"name":"c"})", 0, {{"trace", "t3"}});
  producer.ProduceMessage("keyed", 0, R"({"id":4})", R"({"name":"d"})", 0, {});
  producer.Flush();
  const std::string out = dir_.File("keyed.json");
  const std::string dead = dir_.File("keyed-dead.ndjson");
  auto run = StartRun(R"sql(
SET 'execution.epoch-interval' = '100 ms';
SET 'pipeline.dead-letter.path' = '${DIR}/keyed-dead.ndjson';
CREATE TABLE events (
  id BIGINT, name STRING,
  hdrs STRING METADATA FROM 'headers' VIRTUAL, raw_key STRING METADATA FROM 'key' VIRTUAL)
WITH ('connector' = 'kafka', 'topic' = 'keyed',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'keyed',
      'properties.auto.offset.reset' = 'error', 'scan.startup.mode' = 'earliest-offset',
      'key.format' = 'json', 'key.fields' = 'id',
      'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY');
CREATE TABLE results (id BIGINT, name STRING, hdrs STRING, raw_key STRING)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/keyed.json', 'format' = 'json');
INSERT INTO results SELECT id, name, hdrs, raw_key FROM events;
)sql",
                      "keyed.sql");
  ASSERT_NE(run, nullptr);
  bool done = WaitFor([&] { return Lines(TempDir::Read(out)).size() >= 3; }, seconds(20));
  SubprocessOutput stopped = Stop(run.get());
  ASSERT_TRUE(done) << TempDir::Read(out) << stopped.stderr_text;
  EXPECT_EQ(Lines(TempDir::Read(out)),
            (std::vector<std::string>{
                R"({"id":1,"name":"a","hdrs":"{\"trace\":\"t1\"}","raw_key":"{\"id\":1}"})",
                R"({"id":null,"name":"b","hdrs":"{}","raw_key":null})",
                R"({"id":4,"name":"d","hdrs":"{}","raw_key":"{\"id\":4}"})"}));
  std::vector<std::string> letters = Lines(TempDir::Read(dead));
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_NE(letters[0].find("\"location\":\"keyed-0@2\""), std::string::npos) << letters[0];
  EXPECT_NE(letters[0].find("key: "), std::string::npos) << letters[0];
}

}  // namespace
}  // namespace sluice::cli::testing
