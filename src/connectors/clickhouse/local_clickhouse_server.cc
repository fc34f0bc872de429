#include "connectors/clickhouse/local_clickhouse_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace sluice::connectors {
namespace {

constexpr const char* kServerBinary = "/usr/sbin/clickhouse-server";

size_t AppendToString(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string ReadFileTail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

// Runs functions on one thread that lives as long as the process. Servers are forked from it:
// PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, so a server started from
// a short-lived thread (a test's restart thread) would be killed as soon as that thread ended.
class SpawnerThread {
 public:
  static SpawnerThread& Get() {
    static SpawnerThread* spawner = new SpawnerThread();  // never destroyed: the thread lives on
    return *spawner;
  }

  pid_t Run(std::function<pid_t()> fork_child) {
    std::packaged_task<pid_t()> task(std::move(fork_child));
    std::future<pid_t> result = task.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
    return result.get();
  }

 private:
  SpawnerThread() {
    std::thread([this] { Loop(); }).detach();
  }

  void Loop() {
    for (;;) {
      std::packaged_task<pid_t()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.erase(tasks_.begin());
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::packaged_task<pid_t()>> tasks_;
};

}  // namespace

Result<int> LocalClickHouseServer::FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::IoError("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  if (port <= 0) return Status::IoError("no free port on 127.0.0.1");
  return port;
}

LocalClickHouseServer::LocalClickHouseServer(std::string directory, int http_port)
    : dir_(std::move(directory)), http_port_(http_port) {}

LocalClickHouseServer::~LocalClickHouseServer() { Stop(); }

std::string LocalClickHouseServer::url() const {
  return fmt::format("http://127.0.0.1:{}", http_port_);
}

Status LocalClickHouseServer::WriteConfig() {
  if (dir_.empty()) return Status::InvalidArgument("no directory for the ClickHouse server");
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IoError(fmt::format("cannot create '{}': {}", dir_, ec.message()));
  dir_ = std::filesystem::absolute(dir_).string();
  if (http_port_ == 0) {
    ASSIGN_OR_RETURN(http_port_, FreePort());
  }
  if (tcp_port_ == 0) {
    ASSIGN_OR_RETURN(tcp_port_, FreePort());
    ASSIGN_OR_RETURN(interserver_port_, FreePort());
  }
  // 18.16's keys: <yandex> root; max_server_memory_usage does not exist yet (ignored if set), so
  // memory is bounded by the small caches and the per-query limit of the default profile.
  std::ofstream config(dir_ + "/config.xml");
  config << fmt::format(R"(<?xml version="1.0"?>
<yandex>
  <logger>
    <level>information</level>
    <log>{0}/server.log</log>
    <errorlog>{0}/server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
    <console>0</console>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>{1}</http_port>
  <tcp_port>{2}</tcp_port>
  <interserver_http_port>{3}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>{0}/data/</path>
  <tmp_path>{0}/tmp/</tmp_path>
  <user_files_path>{0}/user_files/</user_files_path>
  <format_schema_path>{0}/format_schemas/</format_schema_path>
  <users_config>{0}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>32</max_concurrent_queries>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_server_memory_usage>2000000000</max_server_memory_usage>
</yandex>
)",
                        dir_, http_port_, tcp_port_, interserver_port_);
  std::ofstream users(dir_ + "/users.xml");
  users << R"(<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>1000000000</max_memory_usage>
      <allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
)";
  if (!config || !users) return Status::IoError("cannot write the ClickHouse config in " + dir_);
  return Status::Ok();
}

Status LocalClickHouseServer::Start(int timeout_ms) {
  if (running()) return Status::Ok();
  if (::access(kServerBinary, X_OK) != 0) {
    return Status::NotFound(fmt::format(
        "{} is missing: run scripts/install-deps.sh (package clickhouse-server)", kServerBinary));
  }
  RETURN_IF_ERROR(WriteConfig());
  std::string config_arg = "--config-file=" + dir_ + "/config.xml";
  std::string stdout_path = dir_ + "/stdout.log";
  pid_t parent = ::getpid();
  pid_t pid = SpawnerThread::Get().Run([&]() -> pid_t {
    pid_t child = ::fork();
    if (child != 0) return child;
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    ::setpgid(0, 0);  // a Ctrl-C for the parent must not stop the server before the parent does
    int fd = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execl(kServerBinary, kServerBinary, config_arg.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  });
  if (pid < 0) return Status::IoError("fork failed");
  pid_ = pid;
  Status up = WaitUntilUp(timeout_ms);
  if (!up.ok()) Stop();
  return up;
}

Status LocalClickHouseServer::WaitUntilUp(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string ping_url = url() + "/ping";
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Unavailable(
          fmt::format("clickhouse-server exited during start-up (status {}); log tail:\n{}",
                      wstatus, LogTail()));
    }
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    std::string body;
    curl_easy_setopt(curl.get(), CURLOPT_URL, ping_url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 1000L);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, AppendToString);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    if (curl_easy_perform(curl.get()) == CURLE_OK && body.rfind("Ok.", 0) == 0) {
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::Unavailable(fmt::format(
      "clickhouse-server did not answer /ping within {} ms; log tail:\n{}", timeout_ms, LogTail()));
}

void LocalClickHouseServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int wstatus = 0;
  while (::waitpid(pid_, &wstatus, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &wstatus, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

void LocalClickHouseServer::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int wstatus = 0;
  ::waitpid(pid_, &wstatus, 0);
  pid_ = -1;
}

std::string LocalClickHouseServer::LogTail(size_t max_bytes) const {
  return ReadFileTail(dir_ + "/stdout.log", max_bytes / 4) +
         ReadFileTail(dir_ + "/server.err.log", max_bytes / 4) +
         ReadFileTail(dir_ + "/server.log", max_bytes / 2);
}

}  // namespace sluice::connectors
