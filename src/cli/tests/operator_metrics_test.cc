// Per-operator series of `sluice run` against the development Kafka cluster: state keys, state
// bytes in the last checkpoint and late records (dropped / updated) of a window aggregate, a
// session window, an unbounded GROUP BY, an OVER aggregation and a deduplication, all reading one
// topic, checked in /metrics and /api/status; and the whole scrape passes Debian's `promtool check
// metrics` (an independent parser and linter of the exposition format).
//
// Input (one partition, watermark = ts, 10 s TUMBLE and 5 s SESSION gap, 5 s allowed lateness):
//   a@1 b@2 c@3 a@12 | c@7 (watermark 12) | c@21 | b@4 (watermark 21) | d@22
// - c@7: window [0,10) fired at 12 and is kept until 15: updates it; c's session [3,8) fired at 12
//   and is kept until 13: c@7 joins it and updates it; OVER and dedup drop it (7 <= 12).
// - b@4: window [0,10) was dropped at 15: dropped; b's session was purged at 12 and a new one
//   would end at 9 + 5 <= 21: dropped; OVER and dedup drop it.
// - At watermark 22: windows [10,20) (a, kept until 25) and [20,30) (c, d): 3 groups; sessions
//   of c [21,26) and d [22,27) (a's [12,17) was purged at 22): 2 keys; GROUP BY, OVER and dedup
//   hold a, b, c, d: 4 keys.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include "cli/tests/loopback_http.h"
#include "cli/tests/metrics_scrape.h"
#include "cli/tests/subprocess.h"
#include "connectors/tests/kafka_test_broker.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

const char* const kPipeline = R"sql(SET 'pipeline.name' = 'ops';
SET 'execution.epoch-interval' = '200 ms';
SET 'execution.checkpoint-interval' = '500 ms';
SET 'state.dir' = '${DIR}/state';
SET 'table.exec.emit.allow-lateness' = '5 s';
CREATE TABLE events (k STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH (
  'connector' = 'kafka', 'topic' = 'events',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS}', 'properties.group.id' = 'ops',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE per_window (k STRING, n BIGINT) WITH ('connector' = 'print');
CREATE TABLE per_session (k STRING, n BIGINT) WITH ('connector' = 'print');
CREATE TABLE totals (k STRING, n BIGINT) WITH ('connector' = 'print');
CREATE TABLE running (k STRING, total BIGINT) WITH ('connector' = 'blackhole');
CREATE TABLE firsts (k STRING, v BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO per_window SELECT k, COUNT(*)
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY k, window_start, window_end;
INSERT INTO per_session SELECT k, COUNT(*) FROM events
GROUP BY SESSION(ts, INTERVAL '5' SECOND), k;
INSERT INTO totals SELECT k, COUNT(*) FROM events GROUP BY k;
INSERT INTO running SELECT k, SUM(v) OVER (PARTITION BY k ORDER BY ts
  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM events;
INSERT INTO firsts SELECT k, v FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts ASC) AS rn FROM events) WHERE rn = 1;
)sql";

struct Event {
  const char* key;
  int second;
};
constexpr Event kEvents[] = {{"a", 1}, {"b", 2},  {"c", 3}, {"a", 12},
                             {"c", 7}, {"c", 21}, {"b", 4}, {"d", 22}};
constexpr int kNumEvents = sizeof(kEvents) / sizeof(kEvents[0]);

// The operators of the pipeline: job (sink), operator name, state keys, late dropped, updated.
struct Expected {
  const char* job;
  const char* op;
  int keys;
  int dropped;
  int updated;
};
constexpr Expected kExpected[] = {
    {"per_window", "WindowAggregate", 3, 1, 1}, {"per_session", "SessionWindowAggregate", 2, 1, 1},
    {"totals", "GroupAggregate", 4, 0, 0},      {"running", "OverAggregate", 4, 2, 0},
    {"firsts", "Deduplicate", 4, 2, 0},
};

std::string Labels(const Expected& e) {
  return std::string("job=\"") + e.job + "\",operator=\"" + e.op + "\"";
}

class OperatorMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.cluster().CreateTopic("events", 1).ok());
    for (const Event& e : kEvents) {
      broker_.Produce("events", 0, "",
                      std::string("{\"k\":\"") + e.key + "\",\"v\":1,\"ts\":\"2024-01-01T00:00:" +
                          (e.second < 10 ? "0" : "") + std::to_string(e.second) + "Z\"}");
    }
    broker_.Flush();
    auto child = Subprocess::Start(
        {kSluice, "run", dir_.Write("p.sql", kPipeline), "--http-port", std::to_string(port_)},
        {{"KAFKA_BROKERS", broker_.bootstraps()}, {"DIR", dir_.path()}});
    ASSERT_TRUE(child.ok()) << child.status().message();
    child_ = std::move(*child);
  }

  void TearDown() override {
    if (child_ == nullptr) return;
    child_->Signal(SIGTERM);
    SubprocessOutput out = child_->Wait(seconds(30));
    EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  }

  // Waits until every event was read and every operator's keys and checkpointed state are out.
  std::string SettledMetrics() {
    std::string m;
    const bool settled = WaitUntil(
        [&] {
          m = ScrapeGet(port_, "/metrics").body;
          if (SumSamples(m, "sluice_source_records_total") != kNumEvents) return false;
          for (const Expected& e : kExpected) {
            if (SumSamples(m, "sluice_operator_state_keys", Labels(e)) != e.keys ||
                SumSamples(m, "sluice_operator_state_bytes", Labels(e)) <= 0) {
              return false;
            }
          }
          return true;
        },
        seconds(60));
    EXPECT_TRUE(settled) << m;
    return m;
  }

  sluice::testing::TempDir dir_;
  connectors::KafkaTestBroker broker_;
  int port_ = FreeLoopbackPort();
  std::unique_ptr<Subprocess> child_;
};

TEST_F(OperatorMetricsTest, StateKeysBytesAndLateRecordsPerOperator) {
  const std::string m = SettledMetrics();
  for (const Expected& e : kExpected) {
    const std::string labels = Labels(e);
    EXPECT_EQ(SumSamples(m, "sluice_operator_late_records_total", labels + ",action=\"dropped\""),
              e.dropped)
        << labels;
    EXPECT_EQ(SumSamples(m, "sluice_operator_late_records_total", labels + ",action=\"updated\""),
              e.updated)
        << labels;
  }
  EXPECT_EQ(SumSamples(m, "sluice_operator_state_keys"), 3 + 2 + 4 + 4 + 4) << m;

  // /api/status shows the same numbers (published at the same commits).
  const std::string status = ScrapeGet(port_, "/api/status").body;
  for (const Expected& e : kExpected) {
    const std::string entry = std::string("{\"job\":\"") + e.job + "\",\"name\":\"" + e.op +
                              "\",\"state_keys\":" + std::to_string(e.keys) + ",\"state_bytes\":";
    const size_t at = status.find(entry);
    ASSERT_NE(at, std::string::npos) << entry << "\n" << status;
    // The rest of the object: the checkpointed bytes (a number, not null), then the late rows.
    const std::string rest =
        status.substr(at + entry.size(), status.find('}', at) + 1 - at - entry.size());
    const std::string late = ",\"late_dropped\":" + std::to_string(e.dropped) +
                             ",\"late_updated\":" + std::to_string(e.updated) + "}";
    EXPECT_GT(std::strtoll(rest.c_str(), nullptr, 10), 0) << rest;
    EXPECT_TRUE(rest.ends_with(late)) << rest << " vs " << late;
  }
}

TEST_F(OperatorMetricsTest, ScrapePassesPromtool) {
  const std::string m = SettledMetrics();
  const std::string path = dir_.Write("scrape.txt", m);
  auto out = Subprocess::Run({"/bin/sh", "-c", "/usr/bin/promtool check metrics < " + path}, {},
                             std::chrono::seconds(60));
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->exit_code, 0) << out->stdout_text << out->stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
