// Nested JSON end to end: the sluice binary reads nested events from a file and from a Kafka
// topic (librdkafka's mock cluster, in-process), writes their ROW and ARRAY columns to ClickHouse
// Tuple and Array columns of tables the sink creates, and aggregates the Kafka events on nested
// fields (an element of an ARRAY<ROW>) in a TUMBLE window; both tables are read back from the
// test ClickHouse server. The 18.16 server splits the Array(Tuple(..)) column the sink creates for
// ARRAY<ROW> into one array per element, `items.1`, `items.2`, which the sink fills by position.

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cli/tests/subprocess.h"
#include "connectors/kafka/kafka_client_config.h"
#include "connectors/kafka/mock_cluster.h"
#include "testing/clickhouse_server.h"
#include "testing/temp_dir.h"

namespace sluice::nested_testing {
namespace {

using ::sluice::cli::testing::Subprocess;
using ::sluice::cli::testing::SubprocessOutput;
using ::sluice::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY;

// The same columns for both sources; the event time is a nested field.
const char* const kColumns = R"sql(
  id BIGINT, cust ROW<id BIGINT, country STRING>, tags ARRAY<STRING>,
  items ARRAY<ROW<sku STRING, qty INT>>, meta ROW<ts TIMESTAMP(3), src STRING>,
  ts AS meta.ts, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)sql";

std::string Pipeline() {
  return std::string("SET 'execution.epoch-interval' = '100 ms';\n") +
         "CREATE TABLE file_events (" + kColumns + R"sql(
) WITH ('connector' = 'filesystem', 'path' = '${DIR}/events.json', 'format' = 'json');
CREATE TABLE kafka_events ()sql" +
         kColumns + R"sql(
) WITH ('connector' = 'kafka', 'topic' = 'nested',
        'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'nested',
        'properties.auto.offset.reset' = 'error', 'scan.startup.mode' = 'earliest-offset',
        'format' = 'json');
CREATE TABLE raw_rows (id BIGINT, cust ROW<id BIGINT, country STRING>, tags ARRAY<STRING>,
                       items ARRAY<ROW<sku STRING, qty INT>>)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}',
        'database-name' = 'nested_it', 'table-name' = 'raw_rows', 'sink.create-table' = 'true');
CREATE TABLE per_country (country STRING, window_start TIMESTAMP(3), orders BIGINT, qty INT)
WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL}',
      'database-name' = 'nested_it', 'table-name' = 'per_country', 'sink.create-table' = 'true');
INSERT INTO raw_rows
SELECT id, cust, tags, items FROM file_events
UNION ALL
SELECT id, cust, tags, items FROM kafka_events;
INSERT INTO per_country
SELECT cust.country, window_start, COUNT(*), SUM(items[1].qty)
FROM TABLE(TUMBLE(TABLE kafka_events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
WHERE meta.src = 'web'
GROUP BY cust.country, window_start, window_end;
)sql";
}

// The file's events: every level present; a NULL field, an empty array and an element of NULLs;
// NULL ROW and ARRAYs.
const char* const kFileEvents =
    R"({"id": 1, "cust": {"id": 1, "country": "NO"}, "tags": ["a", "b"], "items": [{"sku": "x", "qty": 2}], "meta": {"ts": "2024-01-01 00:00:01", "src": "web"}}
{"id": 2, "cust": {"id": 2, "country": null}, "tags": [], "items": [{"sku": null, "qty": null}], "meta": {"ts": "2024-01-01 00:00:02", "src": "web"}}
{"id": 3, "cust": null, "tags": null, "items": null, "meta": {"ts": "2024-01-01 00:00:03", "src": "web"}}
)";

// The topic's events. Window [00:00, 00:01) of 'web' events: 11 and 12, both NO, first item qty
// 2 + 3 = 5 (13 is 'app'); 14 at 00:02 moves the watermark past 00:01 so that window fires.
const std::vector<std::string> kKafkaEvents = {
    R"({"id": 11, "cust": {"id": 1, "country": "NO"}, "tags": ["a"], "items": [{"sku": "x", "qty": 2}], "meta": {"ts": "2024-01-01 00:00:01", "src": "web"}})",
    R"({"id": 12, "cust": {"id": 2, "country": "NO"}, "tags": [], "items": [{"sku": "y", "qty": 3}, {"sku": "z", "qty": 1}], "meta": {"ts": "2024-01-01 00:00:20", "src": "web"}})",
    R"({"id": 13, "cust": {"id": 3, "country": "SE"}, "tags": null, "items": [], "meta": {"ts": "2024-01-01 00:00:30", "src": "app"}})",
    R"({"id": 14, "cust": null, "tags": ["b", null], "items": null, "meta": {"ts": "2024-01-01 00:02:00", "src": "web"}})",
};

void Produce(const std::string& bootstraps, const std::vector<std::string>& values) {
  auto conf = connectors::KafkaClientConfig::Build({{"bootstrap.servers", bootstraps}}, {});
  ASSERT_TRUE(conf.ok()) << conf.status().message();
  auto producer = connectors::KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(*conf));
  ASSERT_TRUE(producer.ok()) << producer.status().message();
  for (const std::string& value : values) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer->get(), RD_KAFKA_V_TOPIC("nested"), RD_KAFKA_V_PARTITION(0),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
    ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
  }
  ASSERT_EQ(rd_kafka_flush(producer->get(), 20'000), RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST(NestedPipelineTest, FileAndKafkaNestedJsonIntoClickHouseTupleAndArrayColumns) {
  auto server_or = sluice::testing::ClickHouseServer::Shared();
  ASSERT_TRUE(server_or.ok()) << server_or.status().ToString();
  sluice::testing::ClickHouseServer* server = *server_or;
  ASSERT_TRUE(server->Query("DROP DATABASE IF EXISTS nested_it").ok());
  connectors::MockCluster cluster;
  ASSERT_TRUE(cluster.Start().ok());
  ASSERT_TRUE(cluster.CreateTopic("nested", 1).ok());
  Produce(cluster.bootstraps(), kKafkaEvents);
  TempDir dir;
  dir.Write("events.json", kFileEvents);
  auto run = Subprocess::Start({kSluice, "run", dir.Write("nested.sql", Pipeline())},
                               {{"KAFKA_BROKERS", cluster.bootstraps()},
                                {"CLICKHOUSE_URL", server->url()},
                                {"DIR", dir.path()}});
  ASSERT_TRUE(run.ok()) << run.status().message();
  auto count = [&](const char* table) {
    auto n = server->Query(std::string("SELECT count() FROM nested_it.") + table +
                           " FORMAT TabSeparated");
    return n.ok() ? *n : std::string();
  };
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while ((count("raw_rows") != "7\n" || count("per_country") != "1\n") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  (*run)->Signal(SIGTERM);
  SubprocessOutput out = (*run)->Wait(seconds(20));
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;

  auto columns = server->Query(
      "SELECT name, type FROM system.columns WHERE database = 'nested_it' AND table = "
      "'raw_rows' FORMAT TabSeparated");
  ASSERT_TRUE(columns.ok()) << columns.status().ToString();
  EXPECT_EQ(*columns,
            "id\tNullable(Int64)\n"
            "cust\tTuple(Nullable(Int64), Nullable(String))\n"
            "tags\tArray(Nullable(String))\n"
            "items.1\tArray(Nullable(String))\n"
            "items.2\tArray(Nullable(Int32))\n");
  // A NULL ROW reads back as a tuple of NULLs, a NULL ARRAY as an empty array.
  auto rows = server->Query(
      "SELECT id, cust, tags, `items.1`, `items.2` FROM nested_it.raw_rows ORDER BY id FORMAT "
      "TabSeparated");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows,
            "1\t(1,'NO')\t['a','b']\t['x']\t[2]\n"
            "2\t(2,NULL)\t[]\t[NULL]\t[NULL]\n"
            "3\t(NULL,NULL)\t[]\t[]\t[]\n"
            "11\t(1,'NO')\t['a']\t['x']\t[2]\n"
            "12\t(2,'NO')\t[]\t['y','z']\t[3,1]\n"
            "13\t(3,'SE')\t[]\t[]\t[]\n"
            "14\t(NULL,NULL)\t['b',NULL]\t[]\t[]\n")
      << out.stderr_text;
  auto windows = server->Query(
      "SELECT country, toUnixTimestamp(window_start), orders, qty FROM nested_it.per_country "
      "FORMAT TabSeparated");
  ASSERT_TRUE(windows.ok()) << windows.status().ToString();
  EXPECT_EQ(*windows, "NO\t1704067200\t2\t5\n") << out.stderr_text;
}

}  // namespace
}  // namespace sluice::nested_testing
