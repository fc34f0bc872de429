#include "cli/kafka_command.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/sluice_cli.h"
#include "connectors/datagen/event_scenario.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/kafka/ndjson_file_producer.h"
#include "connectors/kafka/paced_producer.h"

namespace sluice::cli {
namespace {

std::atomic<bool> g_kafka_stop{false};

extern "C" void HandleKafkaStop(int /*signal*/) { g_kafka_stop.store(true); }

}  // namespace

KafkaCommand::KafkaCommand(CLI::App* app) {
  kafka_ = app->add_subcommand("kafka", "Development Kafka broker and producer");
  kafka_->require_subcommand(1);
  serve_ = kafka_->add_subcommand(
      "serve", "Run an in-memory development broker (librdkafka mock cluster) until Ctrl-C");
  serve_->add_option("--port", port_, "Requested port (librdkafka 2.0 picks its own; see README)");
  serve_->add_option("--partitions", partitions_, "Partitions per created topic")
      ->capture_default_str();
  serve_->add_option("--topics", topics_, "Topics to create")->delimiter(',');
  produce_ = kafka_->add_subcommand(
      "produce", "Send a file's lines or a generated scenario's events to a topic, paced");
  produce_->add_option("--brokers", brokers_, "Bootstrap servers")->required();
  produce_->add_option("--topic", topic_, "Topic")->required();
  auto* file = produce_->add_option("--file", file_, "NDJSON file, one message per line");
  auto* scenario = produce_->add_option(
      "--scenario", scenario_,
      "Generate events instead of reading a file (JSON lines): orders, impressions-clicks, "
      "ad-events, page-views");
  std::vector<std::string> scenarios;
  for (std::string_view name : connectors::EventScenario::Names()) scenarios.emplace_back(name);
  scenario->check(CLI::IsMember(scenarios));
  file->excludes(scenario);
  produce_->add_option("--seed", seed_, "Seed of the scenario")->capture_default_str();
  produce_->add_option("--count", count_, "Events of the scenario to send (0: until Ctrl-C)")
      ->capture_default_str();
  produce_
      ->add_option("--history", history_minutes_,
                   "Scenario: first send this many minutes of past events (spaced as --rate "
                   "spaces them, sent unpaced), then live ones")
      ->capture_default_str();
  produce_->add_option("--rate", rate_, "Messages per second (0: unpaced)")->capture_default_str();
}

int KafkaCommand::Run() {
  std::signal(SIGINT, HandleKafkaStop);
  std::signal(SIGTERM, HandleKafkaStop);
  if (serve_->parsed()) return Serve();
  if (produce_->parsed()) return Produce();
  return kExitUserError;
}

int KafkaCommand::Serve() {
  connectors::MockCluster cluster;
  Status st = cluster.Start();
  for (const auto& topic : topics_) {
    if (st.ok()) st = cluster.CreateTopic(topic, partitions_);
  }
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return kExitRuntimeError;
  }
  if (port_ != 0) {
    std::fprintf(stderr, "note: librdkafka's mock cluster cannot bind port %d; using its own\n",
                 port_);
  }
  std::printf("%s\n", cluster.bootstraps().c_str());
  std::fflush(stdout);
  while (!g_kafka_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return kExitOk;
}

Result<int64_t> KafkaCommand::ProduceScenario() {
  ASSIGN_OR_RETURN(auto scenario, connectors::EventScenario::Create(scenario_, seed_));
  int64_t left = count_ > 0 ? count_ : -1;
  // History: event k at (start + k * spacing) until that time reaches the wall clock.
  const double spacing_ms = rate_ > 0 ? 1000.0 / rate_ : 1.0;
  int64_t history_start_ms = -1;
  int64_t history_sent = 0;
  auto history = [&](int64_t now_ms, std::string* message) {
    if (history_start_ms < 0) history_start_ms = now_ms - history_minutes_ * 60'000;
    auto t = history_start_ms + static_cast<int64_t>(history_sent * spacing_ms);
    if (left == 0 || t >= now_ms) return false;
    if (left > 0) --left;
    ++history_sent;
    scenario->Next(t);
    *message = scenario->ToJson();
    return true;
  };
  auto live = [&](int64_t now_ms, std::string* message) {
    if (left == 0) return false;
    if (left > 0) --left;
    scenario->Next(now_ms);
    *message = scenario->ToJson();
    return true;
  };
  int64_t sent = 0;
  if (history_minutes_ > 0) {
    ASSIGN_OR_RETURN(sent,
                     connectors::PacedProducer::Run(brokers_, topic_, 0, history, g_kafka_stop));
    std::printf("sent %lld event(s) of history\n", static_cast<long long>(sent));
    std::fflush(stdout);
  }
  ASSIGN_OR_RETURN(int64_t live_sent,
                   connectors::PacedProducer::Run(brokers_, topic_, rate_, live, g_kafka_stop));
  return sent + live_sent;
}

int KafkaCommand::Produce() {
  if (file_.empty() && scenario_.empty()) {
    std::fprintf(stderr, "kafka produce: give --file or --scenario\n");
    return kExitUserError;
  }
  auto sent = scenario_.empty() ? connectors::NdjsonFileProducer::Run(brokers_, topic_, file_,
                                                                      rate_, g_kafka_stop)
                                : ProduceScenario();
  if (!sent.ok()) {
    std::fprintf(stderr, "%s\n", sent.status().message().c_str());
    return sent.status().is_user_error() ? kExitUserError : kExitRuntimeError;
  }
  std::printf("sent %lld message(s) to %s\n", static_cast<long long>(*sent), topic_.c_str());
  return kExitOk;
}

}  // namespace sluice::cli
