#include "testing/zookeeper_server.h"

#include <arpa/inet.h>
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
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "connectors/clickhouse/local_clickhouse_server.h"

namespace sluice::testing {
namespace {

constexpr const char* kJars[] = {"zookeeper.jar",
                                 "zookeeper-jute.jar",
                                 "slf4j-api.jar",
                                 "slf4j-simple.jar",
                                 "netty-handler.jar",
                                 "netty-transport.jar",
                                 "netty-common.jar",
                                 "netty-buffer.jar",
                                 "netty-codec.jar",
                                 "netty-resolver.jar",
                                 "netty-transport-native-epoll.jar",
                                 "netty-transport-native-unix-common.jar",
                                 "metrics-core.jar",
                                 "commons-io.jar",
                                 "commons-cli.jar"};

bool WaitForExit(pid_t pid, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

ZooKeeperServer::ZooKeeperServer() {
  char pattern[] = "/tmp/sluice-zookeeper-XXXXXX";
  const char* dir = ::mkdtemp(pattern);
  dir_ = dir != nullptr ? dir : "";
}

ZooKeeperServer::~ZooKeeperServer() {
  Stop();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string ZooKeeperServer::ClassPath(const std::string& conf_dir) {
  std::string cp = conf_dir;
  for (const char* jar : kJars) cp += std::string(":/usr/share/java/") + jar;
  return cp;
}

std::string ZooKeeperServer::address() const { return fmt::format("127.0.0.1:{}", port_); }

Status ZooKeeperServer::WriteConfig() {
  std::filesystem::create_directories(dir_ + "/data");
  std::ofstream cfg(dir_ + "/zoo.cfg");
  cfg << "tickTime=500\n"
      << "initLimit=10\nsyncLimit=5\n"
      << "dataDir=" << dir_ << "/data\n"
      << "clientPort=" << port_ << "\n"
      << "clientPortAddress=127.0.0.1\n"
      << "admin.enableServer=false\n"
      << "4lw.commands.whitelist=ruok,srvr\n"
      << "maxSessionTimeout=60000\n";
  std::ofstream log4j(dir_ + "/log4j.properties");
  log4j << "log4j.rootLogger=WARN\n";
  if (!cfg || !log4j) return Status::IoError("cannot write " + dir_ + "/zoo.cfg");
  return Status::Ok();
}

bool ZooKeeperServer::Answers() const {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::write(fd, "srvr", 4) == 4) {
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buf[256];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  // "srvr" answers "... not currently serving requests" until sessions are accepted ("ruok" says
  // "imok" earlier, when a client connecting then is still dropped).
  return answer.find("Mode: standalone") != std::string::npos;
}

Status ZooKeeperServer::Start(int timeout_ms) {
  if (running()) return Status::Ok();
  if (!std::filesystem::exists("/usr/share/java/zookeeper.jar")) {
    return Status::Unavailable("Debian's zookeeper package is not installed");
  }
  if (port_ == 0) {
    ASSIGN_OR_RETURN(port_, connectors::LocalClickHouseServer::FreePort());
  }
  RETURN_IF_ERROR(WriteConfig());
  const std::string cp = ClassPath(dir_);
  const std::string cfg = dir_ + "/zoo.cfg";
  const std::string log = dir_ + "/zookeeper.log";
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Status::Internal("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    ::execlp("java", "java", "-Xmx256m", "-Dzookeeper.jmx.log4j.disable=true", "-cp", cp.c_str(),
             "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg.c_str(),
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Answers()) return Status::Ok();
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Unavailable("ZooKeeper exited at start-up: " + LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  Stop();
  return Status::Unavailable(
      fmt::format("ZooKeeper did not answer within {} ms: {}", timeout_ms, LogTail()));
}

void ZooKeeperServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (!WaitForExit(pid_, 10000)) {
    ::kill(pid_, SIGKILL);
    WaitForExit(pid_, 10000);
  }
  pid_ = -1;
}

std::string ZooKeeperServer::LogTail(size_t max_bytes) const {
  std::ifstream in(dir_ + "/zookeeper.log");
  std::stringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

}  // namespace sluice::testing
