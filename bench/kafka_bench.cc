// Kafka source figures against the development broker (librdkafka's mock cluster, in this
// process), with generated stock orders as JSON (~190 bytes each; `sluice kafka produce
// --scenario orders`) sent by the paced producer while `sluice run`'s pipeline reads them:
//
// - KafkaConsume/<rate>: events/s the pipeline consumed (kafka → filter → blackhole) of 150,000
//   orders over 8 partitions. Rate 0 (the producer sends them all first, then the pipeline reads
//   the backlog) is not registered: it did not finish within 120 s here, not yet investigated.
//   Rate > 0: the pipeline is running (1,000 warm-up orders read), then
//   the producer sends them at <rate> per second: a pipeline that keeps up reports about <rate>.
// - KafkaLatency/<epoch ms>: 10,000 orders/s for 10 s through a pipeline that copies each order's
//   id and produce timestamp ('timestamp' metadata, read as BIGINT millis) into another topic
//   (at-least-once); the latency of an order is its output message's timestamp (when the sink
//   produced it) minus its input timestamp. p50/p99 in ms, epoch interval <epoch ms>.
//
//   build/bench/sluice_bench --benchmark_filter=Kafka

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/pipeline_loader.h"
#include "common/logging.h"
#include "connectors/datagen/event_scenario.h"
#include "connectors/kafka/kafka_client_config.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/kafka/paced_producer.h"
#include "runtime/pipeline.h"

namespace sluice {
namespace {

constexpr int kPartitions = 8;

// Writes `sql` to a temporary pipeline file; returns its path.
std::string PipelineFile(const std::string& name, const std::string& sql) {
  const std::string path = fmt::format("/tmp/sluice-kafka-bench-{}-{}.sql", name, ::getpid());
  std::ofstream(path) << sql;
  return path;
}

// The pipeline of `path` running on its own thread until `stop`.
class RunningPipeline {
 public:
  explicit RunningPipeline(const std::string& path) {
    auto loaded = cli::LoadPipeline(path, {{"state.dir", ""}});
    if (!loaded.ok()) {
      error_ = loaded.status().ToString();
      return;
    }
    loaded_ = std::move(*loaded);
    auto pipeline =
        runtime::Pipeline::Create(loaded_.plan, *loaded_.connectors, *loaded_.functions);
    if (!pipeline.ok()) {
      error_ = pipeline.status().ToString();
      return;
    }
    pipeline_ = std::move(*pipeline);
    thread_ = std::thread([this] {
      Status s = pipeline_->Run(stop_);
      if (!s.ok()) error_ = s.ToString();
    });
  }
  ~RunningPipeline() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Returns the records the source consumed so far.
  int64_t records() const {
    auto snapshot = pipeline_->snapshot();
    return snapshot.sources.empty() ? 0 : snapshot.sources[0].records;
  }
  bool ok() const { return pipeline_ != nullptr; }
  const std::string& error() const { return error_; }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  cli::LoadedPipeline loaded_;
  std::unique_ptr<runtime::Pipeline> pipeline_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::string error_;
};

// Sends `count` generated orders to `topic` at `rate` per second on its own thread.
std::thread ProduceOrders(const std::string& brokers, const std::string& topic, double rate,
                          int64_t count, std::atomic<bool>* stop) {
  return std::thread([=] {
    auto scenario = connectors::EventScenario::Create("orders", 42);
    int64_t sent = 0;
    auto next = [&](int64_t now_ms, std::string* message) {
      if (sent++ >= count) return false;
      (*scenario)->Next(now_ms);
      *message = (*scenario)->ToJson();
      return true;
    };
    auto result = connectors::PacedProducer::Run(brokers, topic, rate, next, *stop);
    if (!result.ok()) std::fprintf(stderr, "producer: %s\n", result.status().ToString().c_str());
  });
}

// Waits until `done` holds or `timeout_s` passes; returns whether it held.
template <typename Done>
bool WaitFor(Done done, int timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

constexpr char kOrdersTable[] = R"sql(
CREATE TABLE orders (
  order_id BIGINT, user_id BIGINT, symbol STRING, order_type STRING, quantity INT, price DOUBLE,
  status STRING, source_ts_ms BIGINT,
  produced_ms BIGINT METADATA FROM 'timestamp' VIRTUAL)
WITH ('connector' = 'kafka', 'topic' = 'orders', 'properties.bootstrap.servers' = '{}',
      'properties.group.id' = 'bench', 'properties.auto.offset.reset' = 'error',
      'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
)sql";

void BM_KafkaConsume(benchmark::State& state) {
  SetLogLevel(LogLevel::kWarn);
  const int64_t count = 150'000;
  const int64_t warm_up = state.range(0) > 0 ? 1000 : 0;
  for (auto _ : state) {
    connectors::MockCluster cluster;
    if (!cluster.Start().ok() || !cluster.CreateTopic("orders", kPartitions).ok()) {
      return state.SkipWithError("mock cluster did not start");
    }
    const std::string sql = fmt::format(kOrdersTable, cluster.bootstraps()) + R"sql(
CREATE TABLE sink (order_id BIGINT, symbol STRING, amount DOUBLE) WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT order_id, symbol, quantity * price FROM orders WHERE quantity > 0;
)sql";
    const double rate = static_cast<double>(state.range(0));
    std::atomic<bool> stop{false};
    if (rate == 0) {  // a backlog first, then the pipeline reads it
      ProduceOrders(cluster.bootstraps(), "orders", 0, count, &stop).join();
    }
    RunningPipeline pipeline(PipelineFile("consume", sql));
    if (!pipeline.ok()) return state.SkipWithError(pipeline.error().c_str());
    if (rate > 0) ProduceOrders(cluster.bootstraps(), "orders", 1000, warm_up, &stop).join();
    if (rate > 0 && !WaitFor([&] { return pipeline.records() >= warm_up; }, 60)) {
      return state.SkipWithError("the pipeline read nothing");
    }
    auto start = std::chrono::steady_clock::now();
    std::thread producer;
    if (rate > 0) {
      producer = ProduceOrders(cluster.bootstraps(), "orders", rate, count, &stop);
    } else if (WaitFor([&] { return pipeline.records() > 0; }, 60)) {
      start = std::chrono::steady_clock::now();
    }
    const int64_t at_start = pipeline.records();
    const bool done = WaitFor([&] { return pipeline.records() >= count + warm_up; }, 120);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stop = true;
    if (producer.joinable()) producer.join();
    pipeline.Stop();
    if (!done) {
      return state.SkipWithError(("not every order consumed: " + pipeline.error()).c_str());
    }
    state.counters["consumed_per_s"] = static_cast<double>(count + warm_up - at_start) / seconds;
  }
}
BENCHMARK(BM_KafkaConsume)->Arg(50'000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// Reads `count` messages of `topic` (all partitions) and returns, for those produced at or after
// `from_ms`, its timestamp minus the "produced_ms" value in it (epoch millis).
std::vector<int64_t> Latencies(const std::string& brokers, const std::string& topic, int64_t count,
                               int64_t from_ms) {
  auto conf = connectors::KafkaClientConfig::Build(
      {{"bootstrap.servers", brokers}, {"group.id", "latency"}, {"auto.offset.reset", "earliest"}},
      {});
  auto consumer = connectors::KafkaClientConfig::CreateClient(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!consumer.ok()) return {};
  rd_kafka_t* rk = consumer->get();
  connectors::RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(kPartitions));
  for (int p = 0; p < kPartitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, list.get());
  std::vector<int64_t> out;
  int64_t read = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (read < count && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string value(static_cast<const char*>(m->payload), m->len);
      long long produced = 0;
      auto at = value.find("\"produced_ms\":");
      ++read;
      if (at != std::string::npos && std::sscanf(value.c_str() + at + 14, "%lld", &produced) == 1 &&
          produced >= from_ms) {
        out.push_back(rd_kafka_message_timestamp(m, nullptr) - produced);
      }
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  return out;
}

void BM_KafkaLatency(benchmark::State& state) {
  SetLogLevel(LogLevel::kWarn);
  const int64_t rate = 10'000, count = 100'000;
  for (auto _ : state) {
    connectors::MockCluster cluster;
    if (!cluster.Start().ok() || !cluster.CreateTopic("orders", kPartitions).ok() ||
        !cluster.CreateTopic("latency", kPartitions).ok()) {
      return state.SkipWithError("mock cluster did not start");
    }
    const std::string sql =
        fmt::format("SET 'execution.epoch-interval' = '{} ms';\n", state.range(0)) +
        fmt::format(kOrdersTable, cluster.bootstraps()) +
        fmt::format(R"sql(
CREATE TABLE latency (order_id BIGINT, produced_ms BIGINT)
WITH ('connector' = 'kafka', 'topic' = 'latency', 'properties.bootstrap.servers' = '{}',
      'format' = 'json', 'properties.linger.ms' = '0');
INSERT INTO latency SELECT order_id, produced_ms FROM orders;
)sql",
                    cluster.bootstraps());
    RunningPipeline pipeline(PipelineFile("latency", sql));
    if (!pipeline.ok()) return state.SkipWithError(pipeline.error().c_str());
    // A warm-up until the group has assigned the partitions, then the measured orders.
    std::atomic<bool> stop{false};
    ProduceOrders(cluster.bootstraps(), "orders", 1000, 1000, &stop).join();
    if (!WaitFor([&] { return pipeline.records() >= 1000; }, 60)) {
      return state.SkipWithError("the pipeline read nothing");
    }
    const int64_t measured_from_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count();
    std::thread producer = ProduceOrders(cluster.bootstraps(), "orders", rate, count, &stop);
    const bool done = WaitFor([&] { return pipeline.records() >= count + 1000; }, 120);
    producer.join();
    pipeline.Stop();
    if (!done)
      return state.SkipWithError(("not every order consumed: " + pipeline.error()).c_str());
    std::vector<int64_t> latencies =
        Latencies(cluster.bootstraps(), "latency", count + 1000, measured_from_ms);
    if (static_cast<int64_t>(latencies.size()) < count) {
      return state.SkipWithError("not every order reached the output topic");
    }
    std::sort(latencies.begin(), latencies.end());
    state.counters["p50_ms"] = static_cast<double>(latencies[latencies.size() / 2]);
    state.counters["p99_ms"] = static_cast<double>(latencies[latencies.size() * 99 / 100]);
    state.counters["max_ms"] = static_cast<double>(latencies.back());
  }
}
BENCHMARK(BM_KafkaLatency)
    ->Arg(1000)
    ->Arg(100)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace sluice
