// The dead-letter table ('pipeline.dead-letter'), end to end through the sluice binary:
// - a filesystem source's bad lines (not JSON, a wrong type, a NULL for a NOT NULL column,
//   invalid UTF-8) land in a filesystem dead-letter table with file:line, error class, reason and
//   raw bytes; replaying the epoch log writes the same dead letters byte for byte;
// - a Kafka topic (the development broker, in-process) with 1 % malformed messages of each kind
//   (not JSON, wrong type, empty value, a 2 MB unterminated value) runs to the end: a ClickHouse
//   dead-letter table holds exactly those with topic-partition@offset and reasons, and every good
//   record is in the ClickHouse sink exactly once;
// - rows ClickHouse refuses non-retryably (a materialized view that cannot parse a value) go to
//   the dead-letter table as sink-rejected, while the pipeline goes on; without a dead-letter
//   table the same pipeline stops with ClickHouse's message.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/tests/subprocess.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/tests/kafka_test_producer.h"
#include "testing/clickhouse_server.h"
#include "testing/clickhouse_test_environment.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::ClickHouseServer;
using ::sluice::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

constexpr char kDeadLetterColumns[] =
    "source STRING, location STRING, error_class STRING, message STRING, raw STRING, "
    "event_time TIMESTAMP(3)";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Returns `line` without its "event_time" member (the processing time of the run).
std::string WithoutEventTime(const std::string& line) {
  const size_t at = line.find(",\"event_time\":\"");
  EXPECT_NE(at, std::string::npos) << line;
  return at == std::string::npos ? line : line.substr(0, at) + "}";
}

template <typename Done>
bool WaitFor(Done done, seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return true;
}

TEST(DeadLetterTest, FilesystemSourceIntoFilesystemTableAndReplay) {
  TempDir dir;
  const std::string input = dir.Write("in.ndjson",
                                      "{\"k\":\"a\",\"v\":1}\n"
                                      "not json\n"
                                      "{\"k\":\"b\",\"v\":\"two\"}\n"
                                      "{\"v\":3}\n"
                                      "{\"k\":\"d\",\"v\":4}\n"
                                      "\xff\\x\n");
  const std::string sql = dir.Write("dl.sql", std::string(R"sql(
SET 'pipeline.dead-letter' = 'dead';
SET 'execution.epoch-log.path' = '${DIR}/epochs.log';
SET 'state.dir' = '';
CREATE TABLE events (k STRING NOT NULL, v INT)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/in.ndjson', 'format' = 'json');
CREATE TABLE results (k STRING, v INT)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/out.csv', 'format' = 'csv');
CREATE TABLE dead ()sql") + kDeadLetterColumns + R"sql()
WITH ('connector' = 'filesystem', 'path' = '${DEAD}', 'format' = 'json');
INSERT INTO results SELECT k, v FROM events;
)sql");
  auto run = Subprocess::Run({kSluice, "run", sql},
                             {{"DIR", dir.path()}, {"DEAD", dir.File("dead.json")}}, seconds(60));
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_EQ(run->exit_code, 0) << run->stderr_text;
  EXPECT_EQ(TempDir::Read(dir.File("out.csv")), "a,1\nd,4\n");
  const std::vector<std::string> letters = Lines(TempDir::Read(dir.File("dead.json")));
  ASSERT_EQ(letters.size(), 4u) << TempDir::Read(dir.File("dead.json"));
  std::vector<std::string> stripped;
  for (const auto& l : letters) stripped.push_back(WithoutEventTime(l));
  const std::string file = input;
  EXPECT_EQ(stripped[0], "{\"source\":\"events\",\"location\":\"" + file +
                             ":2\",\"error_class\":\"decode\",\"message\":\"not a JSON "
                             "object\",\"raw\":\"not json\"}");
  EXPECT_EQ(stripped[1], "{\"source\":\"events\",\"location\":\"" + file +
                             ":3\",\"error_class\":\"convert\",\"message\":\"field 'v': "
                             "expected INT, got '\\\"two\\\"'\",\"raw\":\"{\\\"k\\\":\\\"b\\\","
                             "\\\"v\\\":\\\"two\\\"}\"}");
  EXPECT_EQ(stripped[2], "{\"source\":\"events\",\"location\":\"" + file +
                             ":4\",\"error_class\":\"missing-field\",\"message\":\"field 'k' is "
                             "missing\",\"raw\":\"{\\\"v\\\":3}\"}");
  // Invalid UTF-8: 0xFF becomes \xFF and the backslash is doubled (JSON-escaped once more).
  EXPECT_NE(stripped[3].find("\"error_class\":\"decode\""), std::string::npos) << stripped[3];
  EXPECT_NE(stripped[3].find("\"raw\":\"\\\\xFF\\\\\\\\x\""), std::string::npos) << stripped[3];
  EXPECT_NE(stripped[3].find("[raw is not UTF-8"), std::string::npos) << stripped[3];

  // Replaying the logged epochs stamps the logged processing times: the same bytes.
  auto replay =
      Subprocess::Run({kSluice, "run", "--replay", dir.File("epochs.log"), sql},
                      {{"DIR", dir.path()}, {"DEAD", dir.File("replayed.json")}}, seconds(60));
  ASSERT_TRUE(replay.ok()) << replay.status().message();
  ASSERT_EQ(replay->exit_code, 0) << replay->stderr_text;
  EXPECT_EQ(TempDir::Read(dir.File("replayed.json")), TempDir::Read(dir.File("dead.json")));
}

std::string Query(ClickHouseServer* server, const std::string& sql) {
  auto result = server->Query(sql);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  return result.ok() ? *result : "";
}

// 2 partitions x 200 messages; at 4 of the 400 offsets a malformed message of each kind.
TEST(DeadLetterTest, KafkaMalformedMessagesIntoClickHouseDeadLetterTable) {
  auto server_or = ClickHouseServer::Shared();
  ASSERT_TRUE(server_or.ok()) << server_or.status().ToString();
  ClickHouseServer* server = *server_or;
  Query(server, "DROP DATABASE IF EXISTS dlq_kafka");
  Query(server, "CREATE DATABASE dlq_kafka");
  Query(server,
        "CREATE TABLE dlq_kafka.good (id Int64, name String) ENGINE = MergeTree ORDER BY id");
  Query(server,
        "CREATE TABLE dlq_kafka.dead (source String, location String, error_class String, "
        "message String, raw String, event_time DateTime) ENGINE = MergeTree ORDER BY location");
  connectors::MockCluster cluster;
  ASSERT_TRUE(cluster.Start().ok());
  ASSERT_TRUE(cluster.CreateTopic("orders", 2).ok());
  connectors::KafkaTestProducer producer(cluster.bootstraps(), {{"message.max.bytes", "4000000"}});
  const std::string big = "{\"id\":1,\"name\":\"" + std::string(2 * 1024 * 1024, 'x');
  int64_t good_sum = 0;
  for (int32_t partition = 0; partition < 2; ++partition) {
    for (int offset = 0; offset < 200; ++offset) {
      std::string value;
      if (partition == 0 && offset == 50) {
        value = "not json";
      } else if (partition == 0 && offset == 150) {
        value = "{\"id\":\"x\",\"name\":\"n\"}";
      } else if (partition == 1 && offset == 30) {
        value = "";
      } else if (partition == 1 && offset == 120) {
        value = big;
      } else {
        const int id = partition * 1000 + offset;
        good_sum += id;
        value = "{\"id\":" + std::to_string(id) + ",\"name\":\"n" + std::to_string(id) + "\"}";
      }
      producer.Produce("orders", partition, value);
    }
  }
  producer.Flush();
  TempDir dir;
  const std::string sql = dir.Write("k.sql", std::string(R"sql(
SET 'pipeline.dead-letter' = 'dead';
SET 'execution.epoch-interval' = '200 ms';
SET 'state.dir' = '';
CREATE TABLE events (id BIGINT, name STRING)
WITH ('connector' = 'kafka', 'topic' = 'orders',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'dlq',
      'properties.auto.offset.reset' = 'error', 'scan.startup.mode' = 'earliest-offset',
      'format' = 'json');
CREATE TABLE good (id BIGINT, name STRING)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'dlq_kafka',
      'table-name' = 'good');
CREATE TABLE dead ()sql") + kDeadLetterColumns + R"sql()
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'dlq_kafka',
      'table-name' = 'dead');
INSERT INTO good SELECT id, name FROM events;
)sql");
  auto run = Subprocess::Start({kSluice, "run", sql}, {{"KAFKA_BROKERS", cluster.bootstraps()},
                                                       {"CLICKHOUSE_URL", server->url()}});
  ASSERT_TRUE(run.ok()) << run.status().message();
  const bool done = WaitFor(
      [&] {
        return Query(server, "SELECT count() FROM dlq_kafka.good") == "396\n" &&
               Query(server, "SELECT count() FROM dlq_kafka.dead") == "4\n";
      },
      seconds(60));
  (*run)->Signal(SIGTERM);
  SubprocessOutput stopped = (*run)->Wait(seconds(30));
  ASSERT_TRUE(done) << stopped.stderr_text;
  EXPECT_EQ(stopped.exit_code, 0) << stopped.stderr_text;
  // Every good record once.
  EXPECT_EQ(Query(server,
                  "SELECT count(), uniqExact(id), sum(id) FROM dlq_kafka.good "
                  "FORMAT TabSeparated"),
            "396\t396\t" + std::to_string(good_sum) + "\n");
  EXPECT_EQ(Query(server,
                  "SELECT count() FROM dlq_kafka.good WHERE name != concat('n', "
                  "toString(id))"),
            "0\n");
  // Exactly the malformed ones, with their position, class and reason.
  EXPECT_EQ(Query(server,
                  "SELECT source, location, error_class, length(raw), "
                  "substring(raw, 1, 24) FROM dlq_kafka.dead ORDER BY location "
                  "FORMAT TabSeparated"),
            "events\torders-0@150\tconvert\t21\t{\"id\":\"x\",\"name\":\"n\"}\n"
            "events\torders-0@50\tdecode\t8\tnot json\n"
            "events\torders-1@120\tdecode\t" +
                std::to_string(big.size()) +
                "\t{\"id\":1,\"name\":\"xxxxxxxx\n"
                "events\torders-1@30\tempty\t0\t\n");
  EXPECT_EQ(Query(server,
                  "SELECT message FROM dlq_kafka.dead WHERE location = 'orders-0@150' "
                  "FORMAT TabSeparatedRaw"),
            "field 'id': expected BIGINT, got '\"x\"'\n");
  EXPECT_EQ(Query(server, "SELECT countIf(message = '') FROM dlq_kafka.dead"), "0\n");
  EXPECT_EQ(Query(server,
                  "SELECT countIf(abs(toInt64(event_time) - toInt64(now())) < 600) "
                  "FROM dlq_kafka.dead"),
            "4\n");
}

// The sink's table is a Null table whose materialized view parses `s` as an Int32: ClickHouse
// refuses a block holding 'x' (CANNOT_PARSE_TEXT, not retryable). One row per source batch and per
// INSERT, so exactly the refused rows are dead letters.
TEST(DeadLetterTest, RowsClickHouseRefusesAreSinkRejected) {
  auto server_or = ClickHouseServer::Shared();
  ASSERT_TRUE(server_or.ok()) << server_or.status().ToString();
  ClickHouseServer* server = *server_or;
  Query(server, "DROP DATABASE IF EXISTS dlq_reject");
  Query(server, "CREATE DATABASE dlq_reject");
  Query(server, "CREATE TABLE dlq_reject.incoming (k String, s String) ENGINE = Null");
  Query(server, "CREATE TABLE dlq_reject.parsed (k String, n Int32) ENGINE = MergeTree ORDER BY k");
  Query(server,
        "CREATE MATERIALIZED VIEW dlq_reject.parse TO dlq_reject.parsed AS "
        "SELECT k, toInt32(s) AS n FROM dlq_reject.incoming");
  TempDir dir;
  dir.Write("in.ndjson",
            "{\"k\":\"a\",\"s\":\"1\"}\n{\"k\":\"b\",\"s\":\"x\"}\n{\"k\":\"c\",\"s\":\"3\"}\n");
  const std::string body = R"sql(
SET 'execution.batch-size' = '1';
CREATE TABLE events (k STRING, s STRING)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/in.ndjson', 'format' = 'json');
CREATE TABLE incoming (k STRING, s STRING)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}', 'database-name' = 'dlq_reject',
      'table-name' = 'incoming', 'sink.batch-size' = '1', 'sink.max-retries' = '0');
CREATE TABLE dead ()sql" + std::string(kDeadLetterColumns) +
                           R"sql()
WITH ('connector' = 'filesystem', 'path' = '${DIR}/dead.json', 'format' = 'json');
INSERT INTO incoming SELECT k, s FROM events;
)sql";
  const EnvVars env = {{"DIR", dir.path()}, {"CLICKHOUSE_URL", server->url()}};
  // Without a dead-letter table the refusal stops the pipeline with ClickHouse's message.
  auto stopped = Subprocess::Run(
      {kSluice, "run", dir.Write("stop.sql", "SET 'state.dir' = '';\n" + body)}, env, seconds(60));
  ASSERT_TRUE(stopped.ok()) << stopped.status().message();
  EXPECT_NE(stopped->exit_code, 0) << stopped->stderr_text;
  EXPECT_NE(stopped->stderr_text.find("Cannot parse"), std::string::npos) << stopped->stderr_text;
  Query(server, "TRUNCATE TABLE dlq_reject.parsed");

  auto run = Subprocess::Run(
      {kSluice, "run",
       dir.Write("dl.sql", "SET 'state.dir' = '';\nSET 'pipeline.dead-letter' = 'dead';\n" + body)},
      env, seconds(60));
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_EQ(run->exit_code, 0) << run->stderr_text;
  EXPECT_EQ(Query(server, "SELECT k, n FROM dlq_reject.parsed ORDER BY k FORMAT TabSeparated"),
            "a\t1\nc\t3\n");
  const std::vector<std::string> letters = Lines(TempDir::Read(dir.File("dead.json")));
  ASSERT_EQ(letters.size(), 1u) << TempDir::Read(dir.File("dead.json"));
  const std::string& letter = letters[0];
  EXPECT_EQ(letter.rfind("{\"source\":\"incoming\",\"location\":\"dlq_reject.incoming epoch ", 0),
            0u)
      << letter;
  EXPECT_NE(letter.find(" row 0\",\"error_class\":\"sink-rejected\",\"message\":\""),
            std::string::npos)
      << letter;
  EXPECT_NE(letter.find("Cannot parse"), std::string::npos) << letter;
  EXPECT_NE(letter.find("\"raw\":\"{\\\"k\\\":\\\"b\\\",\\\"s\\\":\\\"x\\\"}\""), std::string::npos)
      << letter;
}

}  // namespace
}  // namespace sluice::cli::testing
