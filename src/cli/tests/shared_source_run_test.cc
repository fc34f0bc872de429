// A statement set reads each source table once: `sluice run` with two INSERT jobs over one table
// gives both jobs every row, for a filesystem table and for a Kafka table whose single consumer
// (one group id) owns all four partitions. Before sources were shared, each job's scan opened its
// own consumer in the group and the jobs split the partitions between them.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
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
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

std::vector<std::string> SortedFileLines(const std::string& path) {
  std::vector<std::string> lines;
  std::stringstream in(TempDir::Read(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

// "<id>" for ids 1..n, sorted as text.
std::vector<std::string> Ids(int n) {
  std::vector<std::string> ids;
  for (int id = 1; id <= n; ++id) ids.push_back(std::to_string(id));
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Two jobs over `orders` (declared by `source_ddl`): all_ids gets every id, big gets the rows
// whose amount is over 50 (a pushed-down filter and a projection of its own scan).
std::string TwoJobs(const std::string& source_ddl) {
  return "SET 'execution.epoch-interval' = '100 ms';\n" + source_ddl + R"sql(
CREATE TABLE all_ids (id BIGINT)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/all_ids.csv', 'format' = 'csv');
CREATE TABLE big (id BIGINT, amount BIGINT)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/big.csv', 'format' = 'csv');
INSERT INTO all_ids SELECT id FROM orders;
INSERT INTO big SELECT id, amount FROM orders WHERE amount > 50;
)sql";
}

// The amount of order `id`: id * 7 mod 100 (e.g. 7 for id 1, 56 for id 8, 52 for id 36).
int64_t Amount(int id) { return id * 7 % 100; }

// The rows of big.csv for orders 1..n: "<id>,<amount>" where the amount is over 50.
std::vector<std::string> Big(int n) {
  std::vector<std::string> rows;
  for (int id = 1; id <= n; ++id) {
    if (Amount(id) > 50) rows.push_back(std::to_string(id) + "," + std::to_string(Amount(id)));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::string OrderJson(int id) {
  return "{\"id\":" + std::to_string(id) + ",\"amount\":" + std::to_string(Amount(id)) + "}";
}

TEST(SharedSourceRunTest, TwoJobsOverOneFileTableEachSeeEveryRow) {
  TempDir dir;
  std::string events;
  for (int id = 1; id <= 30; ++id) events += OrderJson(id) + "\n";
  dir.Write("orders.json", events);
  const std::string sql = dir.Write("two_jobs.sql", TwoJobs(R"sql(
CREATE TABLE orders (id BIGINT, amount BIGINT)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/orders.json', 'format' = 'json');
)sql"));
  auto explain = Subprocess::Run({kSluice, "explain", sql}, {{"DIR", dir.path()}}, seconds(60));
  ASSERT_TRUE(explain.ok());
  EXPECT_NE(explain->stdout_text.find("read once for 2 scans (jobs all_ids, big)"),
            std::string::npos)
      << explain->stdout_text << explain->stderr_text;
  auto run = Subprocess::Run({kSluice, "run", sql}, {{"DIR", dir.path()}}, seconds(60));
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->exit_code, 0) << run->stderr_text;
  EXPECT_EQ(SortedFileLines(dir.File("all_ids.csv")), Ids(30));
  EXPECT_EQ(SortedFileLines(dir.File("big.csv")), Big(30));
}

// Produces OrderJson(1..n) round-robin over `partitions` partitions of `topic`.
void ProduceOrders(const std::string& bootstraps, const std::string& topic, int partitions, int n) {
  connectors::KafkaTestProducer producer(bootstraps);
  for (int id = 1; id <= n; ++id) producer.Produce(topic, id % partitions, OrderJson(id));
  producer.Flush();
}

TEST(SharedSourceRunTest, TwoJobsOverOneKafkaTableEachReceiveEveryPartition) {
  connectors::MockCluster cluster;
  ASSERT_TRUE(cluster.Start().ok());
  ASSERT_TRUE(cluster.CreateTopic("shared-orders", 4).ok());
  ProduceOrders(cluster.bootstraps(), "shared-orders", 4, 40);
  TempDir dir;
  const std::string sql = dir.Write("kafka_jobs.sql", TwoJobs(R"sql(
CREATE TABLE orders (id BIGINT, amount BIGINT)
WITH ('connector' = 'kafka', 'topic' = 'shared-orders',
      'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'shared',
      'properties.auto.offset.reset' = 'error', 'scan.startup.mode' = 'earliest-offset',
      'format' = 'json');
)sql"));
  auto child = Subprocess::Start({kSluice, "run", sql},
                                 {{"KAFKA_BROKERS", cluster.bootstraps()}, {"DIR", dir.path()}});
  ASSERT_TRUE(child.ok()) << child.status().message();
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (std::chrono::steady_clock::now() < deadline &&
         (SortedFileLines(dir.File("all_ids.csv")).size() < 40 ||
          SortedFileLines(dir.File("big.csv")).size() < Big(40).size())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  (*child)->Signal(SIGTERM);
  SubprocessOutput out = (*child)->Wait(seconds(30));
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_EQ(out.stderr_text.find("reset"), std::string::npos) << out.stderr_text;
  EXPECT_EQ(SortedFileLines(dir.File("all_ids.csv")), Ids(40)) << out.stderr_text;
  EXPECT_EQ(SortedFileLines(dir.File("big.csv")), Big(40)) << out.stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
