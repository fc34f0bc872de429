#include "cli/scale_out_bench.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "cli/child_process.h"
#include "cli/process_status.h"
#include "common/wall_clock.h"
#include "connectors/clickhouse/clickhouse_http_client.h"
#include "connectors/clickhouse/local_clickhouse_server.h"
#include "connectors/kafka/kafka_client_config.h"
#include "connectors/kafka/kafka_latest_records.h"
#include "connectors/kafka/mock_cluster.h"

namespace sluice::cli {
namespace {

// The internal topic is keyed by symbol (murmur2, as Kafka's): with 50 symbols its fullest of 48
// partitions held 4 symbols, 9.6 MB of 600,000 orders, over what the development broker keeps
// unless job B read in time. With 1,000 the fullest holds 29: ~3.5 MB even if nothing is read.
constexpr int kSymbols = 1000;
constexpr int64_t kStartMs = 1717200000000;   // 2024-06-01T00:00:00Z; 1,000 orders a second
constexpr int64_t kCloseAfterMs = 3'600'000;  // the closing orders: an hour after the last
constexpr char kDatabase[] = "sluice_scaleout";

std::string Order(int64_t id, int64_t symbol, int64_t ts) {
  return fmt::format(R"({{"order_id":{},"symbol":"S{}","quantity":{},"ts":{}}})", id, symbol,
                     id % 97 + 1, ts);
}

// Sends `events` orders to `topic`, order i to partition i % partitions, then one order per symbol
// to every partition an hour of event time later; waits for every delivery.
Status ProduceOrders(const std::string& brokers, const std::string& topic, int partitions,
                     int64_t events) {
  ASSIGN_OR_RETURN(connectors::RdKafkaConf conf,
                   connectors::KafkaClientConfig::Build(
                       {{"bootstrap.servers", brokers}, {"linger.ms", "20"}}, {}));
  ASSIGN_OR_RETURN(connectors::RdKafkaHandle producer,
                   connectors::KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(conf)));
  auto send = [&](int32_t partition, const std::string& value) -> Status {
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        return Status::Unavailable(
            fmt::format("producing to '{}': {}", topic, rd_kafka_err2str(err)));
      }
      rd_kafka_poll(producer.get(), 10);
    }
  };
  for (int64_t i = 0; i < events; ++i) {
    RETURN_IF_ERROR(
        send(static_cast<int32_t>(i % partitions), Order(i, i % kSymbols, kStartMs + i)));
  }
  for (int p = 0; p < partitions; ++p) {
    for (int s = 0; s < kSymbols; ++s) {
      RETURN_IF_ERROR(send(p, Order(-1, s, kStartMs + events + kCloseAfterMs)));
    }
  }
  if (rd_kafka_flush(producer.get(), 60'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(fmt::format("producing to '{}': not delivered within 60 s", topic));
  }
  return Status::Ok();
}

// Waits until `processes` live processes of pipeline `name` (its status topic, as `sluice status`
// reads it) own every partition of topic `name` between them, each once.
Status WaitUntilAssigned(const std::string& brokers, const std::string& name, int processes,
                         int partitions) {
  const int64_t deadline = SteadyClockMillis() + 90'000;
  std::string seen = "no status yet";
  while (SteadyClockMillis() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto records = connectors::KafkaLatestRecords::Read({{"bootstrap.servers", brokers}},
                                                        name + ".status", 5'000);
    if (!records.ok()) continue;
    std::map<std::string, int> owners;
    int live = 0;
    for (const auto& record : *records) {
      auto status = ParseProcessStatus(record.value);
      if (!status.ok() || status->state != "running") continue;
      ++live;
      for (const auto& [source, splits] : status->splits) {
        for (const std::string& split : splits) {
          if (split.rfind(name + "-", 0) == 0) ++owners[split];
        }
      }
    }
    const bool once = std::all_of(owners.begin(), owners.end(),
                                  [](const auto& owner) { return owner.second == 1; });
    if (live == processes && once && static_cast<int>(owners.size()) == partitions) {
      return Status::Ok();
    }
    seen = fmt::format("{} running process(es) owning {} of {} partitions", live, owners.size(),
                       partitions);
  }
  return Status::Unavailable(fmt::format(
      "{}: the processes did not share the topic's partitions within 90 s: {}", name, seen));
}

// The development broker keeps about 5 MB per partition and drops older messages silently; a
// consumer then logs an offset reset and those orders are gone. Fails when a log shows one.
Status CheckNoOffsetReset(const std::vector<std::string>& logs) {
  for (const std::string& path : logs) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("offset reset") == std::string::npos) continue;
      return Status::Unavailable(fmt::format(
          "{}: the development broker dropped messages (about 5 MB per partition, internal "
          "topics included): use fewer --events or more --partitions\n  {}",
          path, line));
    }
  }
  return Status::Ok();
}

double CpuSeconds(const struct rusage& usage) {
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

std::string ScaleOutBench::PipelineText(const std::string& mode, const std::string& name,
                                        const std::string& brokers) const {
  const bool partial = mode == "partial";
  return fmt::format(R"sql(
SET 'pipeline.name' = '{name}';
SET 'pipeline.repartition' = '{repartition}';
SET 'state.dir' = '${{STATE_DIR}}';
SET 'execution.epoch-interval' = '500 ms';
CREATE TABLE orders (order_id BIGINT, symbol STRING, quantity BIGINT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = '{name}', 'properties.bootstrap.servers' = '{brokers}',
      'properties.group.id' = '{name}', 'properties.auto.offset.reset' = 'earliest',
      'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '500',
      'format' = 'json');
CREATE TABLE per_window (symbol STRING NOT NULL, window_start TIMESTAMP(3) NOT NULL,
  window_end TIMESTAMP(3) NOT NULL, n BIGINT, total BIGINT, lo BIGINT, hi BIGINT)
WITH ('connector' = 'clickhouse', 'url' = '{url}', 'database-name' = '{database}',
      'table-name' = '{name}', 'sink.create-table' = 'true'{partial});
INSERT INTO per_window
SELECT symbol, window_start, window_end, COUNT(*), SUM(quantity), MIN(order_id), MAX(order_id)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY symbol, window_start, window_end;
)sql",
                     fmt::arg("name", name), fmt::arg("repartition", partial ? "none" : "auto"),
                     fmt::arg("brokers", brokers), fmt::arg("url", clickhouse_url_),
                     fmt::arg("database", kDatabase),
                     fmt::arg("partial", partial ? ", 'sink.aggregation' = 'partial'" : ""));
}

Result<ScaleOutBench::Round> ScaleOutBench::RunRound(const std::string& mode, int processes,
                                                     const std::string& brokers,
                                                     connectors::MockCluster* cluster) {
  const std::string name = fmt::format("bench_{}_{}", mode, processes);
  RETURN_IF_ERROR(cluster->CreateTopic(name, options_.partitions));
  if (mode == "repartition") {
    // sluice creates these on a real broker; the development broker has no CreateTopics.
    RETURN_IF_ERROR(cluster->CreateTopic(name + ".per_window.repartition", options_.partitions));
    RETURN_IF_ERROR(cluster->CreateTopic(name + ".per_window.repartition.sluice-epochs", 1));
  }
  connectors::ClickHouseHttpClient client(clickhouse_url_, "", "", 60'000);
  RETURN_IF_ERROR(
      client.Query(fmt::format("DROP TABLE IF EXISTS {}.{}", kDatabase, name)).status());
  const std::string path = fmt::format("{}/{}.sql", options_.work_dir, name);
  std::ofstream(path) << PipelineText(mode, name, brokers);
  const std::string count_query = fmt::format(
      "SELECT sum(n) FROM {}.{} WHERE window_start < toDateTime({}) FORMAT TabSeparated", kDatabase,
      name, (kStartMs + options_.events) / 1000 + 10);

  std::vector<std::unique_ptr<ChildProcess>> children;
  std::vector<std::string> logs;
  for (int i = 0; i < processes; ++i) {
    const std::string state = fmt::format("{}/state-{}-{}", options_.work_dir, name, i);
    std::filesystem::remove_all(state);
    ASSIGN_OR_RETURN(
        auto child,
        ChildProcess::Spawn(
            {ChildProcess::SelfPath(), "run", "--log-level", "warn", path}, {{"STATE_DIR", state}},
            logs.emplace_back(fmt::format("{}/{}-{}.log", options_.work_dir, name, i))));
    children.push_back(std::move(child));
  }
  RETURN_IF_ERROR(WaitUntilAssigned(brokers, name, processes, options_.partitions));
  const int64_t start = SteadyClockMillis();
  RETURN_IF_ERROR(ProduceOrders(brokers, name, options_.partitions, options_.events));
  const double produce_seconds = (SteadyClockMillis() - start) / 1000.0;
  const int64_t timeout_ms = 120'000 + options_.events / 5;
  int64_t counted = 0;
  while (counted < options_.events) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (auto& child : children) {
      if (!child->Running()) {
        return Status::Unavailable(fmt::format("{}: a process ended early; see {}/{}-*.log", name,
                                               options_.work_dir, name));
      }
    }
    RETURN_IF_ERROR(CheckNoOffsetReset(logs));
    auto result = client.Query(count_query);
    if (result.ok()) counted = std::atoll(result->c_str());
    if (SteadyClockMillis() - start > timeout_ms) {
      return Status::Unavailable(fmt::format("{}: ClickHouse counted {} of {} orders after {} s",
                                             name, counted, options_.events, timeout_ms / 1000));
    }
  }
  Round round{mode, processes,      options_.events, (SteadyClockMillis() - start) / 1000.0,
              0,    produce_seconds};
  for (auto& child : children) {
    child->Terminate(30'000);
    round.cpu_seconds += CpuSeconds(child->usage());
  }
  if (counted != options_.events) {
    return Status::Internal(
        fmt::format("{}: ClickHouse counted {} orders, not {}", name, counted, options_.events));
  }
  return round;
}

Result<std::vector<ScaleOutBench::Round>> ScaleOutBench::Run() {
  std::filesystem::create_directories(options_.work_dir);
  std::unique_ptr<connectors::LocalClickHouseServer> server;
  clickhouse_url_ = options_.clickhouse_url;
  if (clickhouse_url_.empty()) {
    server = std::make_unique<connectors::LocalClickHouseServer>(options_.work_dir + "/clickhouse");
    RETURN_IF_ERROR(server->Start(120'000));
    clickhouse_url_ = server->url();
  }
  connectors::ClickHouseHttpClient client(clickhouse_url_, "", "", 60'000);
  RETURN_IF_ERROR(
      client.Query(fmt::format("CREATE DATABASE IF NOT EXISTS {}", kDatabase)).status());
  connectors::MockCluster cluster;
  RETURN_IF_ERROR(cluster.Start());
  std::vector<Round> rounds;
  for (const std::string& mode : options_.modes) {
    for (int processes : options_.processes) {
      std::fprintf(stderr, "%s, %d process(es)...\n", mode.c_str(), processes);
      ASSIGN_OR_RETURN(Round round, RunRound(mode, processes, cluster.bootstraps(), &cluster));
      rounds.push_back(round);
    }
  }
  return rounds;
}

std::string ScaleOutBench::Format(const std::vector<Round>& rounds) {
  std::string out =
      fmt::format("{:<12} {:>9} {:>9} {:>9} {:>8} {:>10} {:>8} {:>12} {:>9}\n", "mode", "processes",
                  "events", "produce s", "wall s", "events/s", "CPU s", "events/CPU-s", "speed-up");
  std::map<std::string, double> first;
  for (const Round& r : rounds) {
    const double rate = r.events / r.wall_seconds;
    if (!first.count(r.mode)) first[r.mode] = rate;
    out +=
        fmt::format("{:<12} {:>9} {:>9} {:>9.2f} {:>8.2f} {:>10.0f} {:>8.2f} {:>12.0f} {:>8.2f}x\n",
                    r.mode, r.processes, r.events, r.produce_seconds, r.wall_seconds, rate,
                    r.cpu_seconds, r.events / r.cpu_seconds, rate / first[r.mode]);
  }
  return out;
}

}  // namespace sluice::cli
