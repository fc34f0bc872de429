// /metrics and /readyz of `sluice run` against real servers: a private ClickHouse and the
// in-process development Kafka cluster. Records counted equal the records produced, the source's
// bytes equal the produced values' bytes, consumer lag is 0 once caught up, the sink's inserts,
// bytes and latency histogram move; then ClickHouse is killed: retries rise, /readyz fails, the
// restart strategy restarts the pipeline; ClickHouse is started again: /readyz recovers and every
// record is in ClickHouse. (operator_metrics_test.cc runs promtool on a scrape; the parsing below
// is by hand.)

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>

#include "cli/tests/loopback_http.h"
#include "cli/tests/metrics_scrape.h"
#include "cli/tests/subprocess.h"
#include "connectors/tests/kafka_test_broker.h"
#include "testing/clickhouse_server.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

const char* const kPipeline = R"sql(SET 'pipeline.name' = 'live';
SET 'execution.epoch-interval' = '200 ms';
SET 'execution.checkpoint-interval' = '1 s';
SET 'state.dir' = '${DIR}/state';
SET 'restart-strategy' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '50';
SET 'restart-strategy.fixed-delay.delay' = '200 ms';
CREATE TABLE events (id BIGINT) WITH (
  'connector' = 'kafka', 'topic' = 'events',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'live',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE sunk (id BIGINT) WITH (
  'connector' = 'clickhouse', 'url' = '${CH_URL}', 'database-name' = 'default',
  'table-name' = 'live_out', 'sink.max-retries' = '2', 'sink.retry-backoff' = '100 ms',
  'sink.retry-backoff-max' = '200 ms', 'sink.request-timeout' = '2 s');
INSERT INTO sunk SELECT id FROM events;
)sql";

class MetricsLiveTest : public ::testing::Test {
 protected:
  // Produces ids [from, to) round-robin over the 2 partitions; returns the values' bytes.
  int64_t ProduceIds(int from, int to) {
    int64_t bytes = 0;
    for (int id = from; id < to; ++id) {
      const std::string value = "{\"id\":" + std::to_string(id) + "}";
      broker_.Produce("events", id % 2, "", value);
      bytes += static_cast<int64_t>(value.size());
    }
    broker_.Flush();
    return bytes;
  }

  int64_t ClickHouseCount(const std::string& what) {
    auto n = ch_.Query("SELECT " + what + " FROM default.live_out");
    return n.ok() ? std::stoll(*n) : -1;
  }

  std::string Metrics() { return ScrapeGet(port_, "/metrics").body; }

  sluice::testing::TempDir dir_;
  sluice::testing::ClickHouseServer ch_;
  connectors::KafkaTestBroker broker_;
  int port_ = FreeLoopbackPort();
};

TEST_F(MetricsLiveTest, ValuesMoveThroughAClickHouseOutage) {
  ASSERT_TRUE(ch_.Start().ok()) << ch_.LogTail();
  ASSERT_TRUE(
      ch_.Query("CREATE TABLE default.live_out (id Int64) ENGINE = MergeTree ORDER BY id").ok());
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 2).ok());
  const int64_t bytes = ProduceIds(0, 300);
  auto child = Subprocess::Start(
      {kSluice, "run", dir_.Write("p.sql", kPipeline), "--http-port", std::to_string(port_)},
      {{"KAFKA_BROKERS", broker_.bootstraps()}, {"CH_URL", ch_.url()}, {"DIR", dir_.path()}});
  ASSERT_TRUE(child.ok()) << child.status().message();

  // Caught up: every record counted once, the lag of both partitions 0, all rows in ClickHouse.
  std::string m;
  ASSERT_TRUE(WaitUntil(
      [&] {
        m = Metrics();
        return SumSamples(m, "sluice_source_records_total") == 300 &&
               SumSamples(m, "sluice_source_consumer_lag_records", "split=\"1\"") == 0 &&
               SumSamples(m, "sluice_source_consumer_lag_records", "split=\"0\"") == 0 &&
               ClickHouseCount("count()") == 300;
      },
      seconds(90)))
      << m;
  m = Metrics();
  EXPECT_EQ(SumSamples(m, "sluice_source_records_total"), 300) << m;
  EXPECT_EQ(SumSamples(m, "sluice_source_bytes_total", "source=\"events\""), bytes) << m;
  EXPECT_EQ(SumSamples(m, "sluice_sink_rows_total", "sink=\"sunk\""), 300) << m;
  const double inserts = SumSamples(m, "sluice_sink_inserts_total", "sink=\"sunk\"");
  EXPECT_GE(inserts, 1) << m;
  EXPECT_EQ(SumSamples(m, "sluice_sink_insert_duration_seconds_count", "sink=\"sunk\""), inserts);
  EXPECT_EQ(SumSamples(m, "sluice_sink_insert_duration_seconds_bucket", "le=\"+Inf\""), inserts);
  // Each id is 8 bytes of RowBinary Int64.
  EXPECT_EQ(SumSamples(m, "sluice_sink_bytes_total", "sink=\"sunk\""), 300 * 8) << m;
  EXPECT_EQ(SumSamples(m, "sluice_sink_retries_total", "sink=\"sunk\""), 0) << m;
  EXPECT_EQ(SumSamples(m, "sluice_sink_rows_in_flight", "sink=\"sunk\""), 0) << m;
  EXPECT_NE(m.find("# TYPE sluice_sink_insert_duration_seconds histogram"), std::string::npos);
  // No WATERMARK FOR: freshness is NaN, but the series is there.
  EXPECT_NE(
      m.find("sluice_source_event_time_freshness_seconds{pipeline=\"live\",source=\"events\"} NaN"),
      std::string::npos);
  EXPECT_GT(SumSamples(m, "process_open_fds"), 0);
  EXPECT_EQ(ScrapeGet(port_, "/readyz").status, 200);

  // ClickHouse gone: retries rise, the pipeline restarts, /readyz fails.
  ch_.Kill();
  ProduceIds(300, 350);
  ASSERT_TRUE(WaitUntil(
      [&] {
        m = Metrics();
        return SumSamples(m, "sluice_sink_retries_total", "sink=\"sunk\"") > 0 &&
               SumSamples(m, "sluice_pipeline_restarts_total") >= 1 &&
               ScrapeGet(port_, "/readyz").status == 503;
      },
      seconds(60)))
      << m;

  // ClickHouse back: ready again, and every record of both phases is in the table.
  ASSERT_TRUE(ch_.Start().ok()) << ch_.LogTail();
  ASSERT_TRUE(WaitUntil(
      [&] {
        return ScrapeGet(port_, "/readyz").status == 200 && ClickHouseCount("uniqExact(id)") == 350;
      },
      seconds(120)))
      << ScrapeGet(port_, "/readyz").body;
  // A plain MergeTree on this server is at-least-once: a replayed epoch may repeat rows.
  EXPECT_GE(ClickHouseCount("count()"), 350);
  EXPECT_EQ(ClickHouseCount("min(id)"), 0);
  EXPECT_EQ(ClickHouseCount("max(id)"), 349);

  (*child)->Signal(SIGTERM);
  SubprocessOutput out = (*child)->Wait(seconds(60));
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("restart 1 in 200 ms from the last checkpoint"), std::string::npos)
      << out.stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
