#include "cli/demo_command.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/sluice_cli.h"
#include "connectors/clickhouse/clickhouse_ddl_applier.h"
#include "connectors/clickhouse/clickhouse_http_client.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_demo_stop{false};

extern "C" void HandleDemoStop(int /*signal*/) { g_demo_stop.store(true); }

bool PortIsFree(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// Returns the HTTP status of GET `url`, or 0 when nothing answered.
long HttpGetStatus(const std::string& url) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return 0;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 2000L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Discard);
  if (curl_easy_perform(curl.get()) != CURLE_OK) return 0;
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return status;
}

std::string FileTail(const std::string& path, size_t max_bytes = 3000) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

}  // namespace

DemoCommand::DemoCommand(CLI::App* app) {
  demo_ = app->add_subcommand(
      "demo",
      "Run an example end to end on 127.0.0.1: ClickHouse, Kafka, a producer, the pipeline and "
      "its dashboard, until Ctrl-C");
  demo_->add_option("--pipeline", pipeline_, "Example under examples/")->capture_default_str();
  demo_->add_option("--port", port_, "Dashboard port (a free one when it is taken)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  demo_->add_option("--rate", rate_, "Orders per second produced")->capture_default_str();
  demo_->add_option("--history", history_minutes_, "Minutes of past orders sent first")
      ->capture_default_str();
  demo_->add_option("--dir", dir_, "Where ClickHouse data and the logs go")->capture_default_str();
  demo_->add_option("--examples", examples_,
                    "The examples directory (default: ./examples, else next to the binary)");
  demo_->add_option("--timeout", timeout_seconds_, "Seconds to wait for the dashboard")
      ->capture_default_str();
}

std::string DemoCommand::ExampleDir() const {
  if (!examples_.empty()) return (fs::path(examples_) / pipeline_).string();
  std::vector<fs::path> roots = {fs::current_path()};
  for (fs::path p = fs::path(self_).parent_path(); p.has_relative_path(); p = p.parent_path()) {
    roots.push_back(p);
  }
  for (const auto& root : roots) {
    fs::path candidate = root / "examples" / pipeline_;
    if (fs::exists(candidate / "pipeline.sql")) return candidate.string();
  }
  return (fs::path("examples") / pipeline_).string();
}

Status DemoCommand::StartClickHouse() {
  std::string ddl_path = ExampleDir() + "/clickhouse.sql";
  std::ifstream in(ddl_path);
  if (!in) return Status::NotFound(fmt::format("cannot read '{}'", ddl_path));
  std::stringstream ddl;
  ddl << in.rdbuf();
  clickhouse_ = std::make_unique<connectors::LocalClickHouseServer>(dir_ + "/clickhouse");
  RETURN_IF_ERROR(clickhouse_->Start(120'000));
  std::printf("clickhouse at %s (data in %s)\n", clickhouse_->url().c_str(),
              clickhouse_->directory().c_str());
  connectors::ClickHouseHttpClient client(clickhouse_->url(), "", "", 60'000);
  connectors::ClickHouseDdlApplier applier(&client);
  // A demo starts fresh: the example's databases are dropped, then everything is created.
  return applier.ApplyFresh(ddl.str(), ddl_path);
}

Status DemoCommand::StartKafka() {
  kafka_ = std::make_unique<connectors::MockCluster>();
  RETURN_IF_ERROR(kafka_->Start());
  RETURN_IF_ERROR(kafka_->CreateTopic(topic_, 6));
  std::printf("kafka at %s (development broker, topic %s)\n", kafka_->bootstraps().c_str(),
              topic_.c_str());
  ASSIGN_OR_RETURN(
      producer_,
      ChildProcess::Spawn({self_, "kafka", "produce", "--scenario", "orders", "--brokers",
                           kafka_->bootstraps(), "--topic", topic_, "--rate",
                           fmt::format("{}", rate_), "--history", std::to_string(history_minutes_)},
                          {}, dir_ + "/producer.log"));
  std::printf("producing %g orders/s (after %d minutes of history); log %s/producer.log\n", rate_,
              history_minutes_, dir_.c_str());
  return Status::Ok();
}

Status DemoCommand::StartPipeline() {
  http_port_ = port_;
  if (port_ == 0 || !PortIsFree(port_)) {
    ASSIGN_OR_RETURN(http_port_, connectors::LocalClickHouseServer::FreePort());
    if (port_ != 0) std::printf("port %d is taken; using %d\n", port_, http_port_);
  }
  std::string sql = ExampleDir() + "/pipeline.sql";
  ASSIGN_OR_RETURN(
      pipeline_process_,
      ChildProcess::Spawn({self_, "run", sql, "--http-port", std::to_string(http_port_), "--set",
                           "state.dir=" + dir_ + "/state", "--set", "state.start-fresh=true"},
                          {{"KAFKA_BROKERS", kafka_->bootstraps()},
                           {"ORDERS_TOPIC", topic_},
                           {"CLICKHOUSE_URL", clickhouse_->url()}},
                          dir_ + "/pipeline.log"));
  std::printf("pipeline %s running; log %s/pipeline.log\n", sql.c_str(), dir_.c_str());
  return Status::Ok();
}

Status DemoCommand::WaitForDashboard() {
  std::string url = fmt::format("http://127.0.0.1:{}/api/dashboard", http_port_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds_);
  while (!g_demo_stop.load()) {
    if (!pipeline_process_->Running()) {
      return Status::Unavailable("the pipeline stopped; the end of its log:\n" +
                                 FileTail(pipeline_process_->log_path()));
    }
    if (HttpGetStatus(url) == 200) return Status::Ok();
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable(
          fmt::format("no dashboard at {} after {} s", url, timeout_seconds_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Unavailable("stopped");
}

Status DemoCommand::Start() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IoError(fmt::format("cannot create '{}': {}", dir_, ec.message()));
  dir_ = fs::absolute(dir_).string();
  if (!fs::exists(ExampleDir() + "/pipeline.sql")) {
    return Status::NotFound(
        fmt::format("no example '{}' (looked for {}/pipeline.sql)", pipeline_, ExampleDir()));
  }
  RETURN_IF_ERROR(StartClickHouse());
  RETURN_IF_ERROR(StartKafka());
  RETURN_IF_ERROR(StartPipeline());
  return WaitForDashboard();
}

void DemoCommand::Stop() {
  if (producer_) producer_->Terminate();
  if (pipeline_process_) pipeline_process_->Terminate(30'000);
  if (clickhouse_) clickhouse_->Stop();
  kafka_.reset();
}

int DemoCommand::Run() {
  auto started = std::chrono::steady_clock::now();
  self_ = ChildProcess::SelfPath();
  std::signal(SIGINT, HandleDemoStop);
  std::signal(SIGTERM, HandleDemoStop);
  Status st = Start();
  if (!st.ok()) {
    std::fprintf(stderr, "demo: %s\n", st.message().c_str());
    Stop();
    return st.is_user_error() ? kExitUserError : kExitRuntimeError;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("dashboard at http://127.0.0.1:%d/ (ready in %.1f s; Ctrl-C stops everything)\n",
              http_port_, seconds);
  std::fflush(stdout);
  int rc = kExitOk;
  while (!g_demo_stop.load()) {
    if (!pipeline_process_->Running() || !producer_->Running()) {
      ChildProcess* dead = pipeline_process_->Running() ? producer_.get() : pipeline_process_.get();
      std::fprintf(stderr, "demo: %s stopped; the end of its log:\n%s\n", dead->log_path().c_str(),
                   FileTail(dead->log_path()).c_str());
      rc = kExitRuntimeError;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf("stopping...\n");
  std::fflush(stdout);
  Stop();
  return rc;
}

}  // namespace sluice::cli
