#include "cli/kafka_command.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/sluice_cli.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/kafka/ndjson_file_producer.h"

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
  produce_ = kafka_->add_subcommand("produce", "Send a file's lines to a topic, paced");
  produce_->add_option("--brokers", brokers_, "Bootstrap servers")->required();
  produce_->add_option("--topic", topic_, "Topic")->required();
  produce_->add_option("--file", file_, "NDJSON file, one message per line")->required();
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

int KafkaCommand::Produce() {
  auto sent = connectors::NdjsonFileProducer::Run(brokers_, topic_, file_, rate_, g_kafka_stop);
  if (!sent.ok()) {
    std::fprintf(stderr, "%s\n", sent.status().message().c_str());
    return sent.status().is_user_error() ? kExitUserError : kExitRuntimeError;
  }
  std::printf("sent %lld message(s) to %s\n", static_cast<long long>(*sent), topic_.c_str());
  return kExitOk;
}

}  // namespace sluice::cli
