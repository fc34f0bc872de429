#include "testing/zookeeper_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "testing/free_port.h"

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
    ASSIGN_OR_RETURN(port_, PickFreePort());
  }
  RETURN_IF_ERROR(WriteConfig());
  const std::string cp = ClassPath(dir_);
  const std::string cfg = dir_ + "/zoo.cfg";
  const std::string log = dir_ + "/zookeeper.log";
  ServerProcess::Options options;
  options.argv = {"java", "-Xmx256m", "-Dzookeeper.jmx.log4j.disable=true",
                  "-cp",  cp,         "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                  cfg};
  options.log_path = log;
  RETURN_IF_ERROR(process_.Start(options));
  Status up = process_.WaitUntilUp(
      "ZooKeeper", std::chrono::milliseconds(timeout_ms), std::chrono::milliseconds(200),
      [this] { return Answers() ? Status::Ok() : Status::Unavailable("not serving yet"); });
  if (!up.ok()) Stop();
  return up;
}

void ZooKeeperServer::Stop() { process_.Stop(SIGTERM, std::chrono::seconds(10)); }

std::string ZooKeeperServer::LogTail(size_t max_bytes) const { return process_.LogTail(max_bytes); }

}  // namespace sluice::testing
