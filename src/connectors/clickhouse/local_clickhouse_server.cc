#include "connectors/clickhouse/local_clickhouse_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>

namespace sluice::connectors {
namespace {

constexpr const char* kServerBinary = "/usr/sbin/clickhouse-server";

size_t AppendProbeBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

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
  ServerProcess::Options options;
  options.argv = {kServerBinary, "--config-file=" + dir_ + "/config.xml"};
  options.log_path = dir_ + "/stdout.log";
  options.other_logs = {dir_ + "/server.err.log", dir_ + "/server.log"};
  options.own_process_group = true;
  RETURN_IF_ERROR(process_.Start(options));
  const std::string ping_url = url() + "/ping";
  Status up = process_.WaitUntilUp(
      "clickhouse-server", std::chrono::milliseconds(timeout_ms), std::chrono::milliseconds(50),
      [&]() -> Status {
        std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
        std::string body;
        curl_easy_setopt(curl.get(), CURLOPT_URL, ping_url.c_str());
        curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 1000L);
        curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, AppendProbeBody);
        curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
        if (curl_easy_perform(curl.get()) == CURLE_OK && body.rfind("Ok.", 0) == 0) {
          return Status::Ok();
        }
        return Status::Unavailable("GET /ping did not answer Ok.");
      });
  if (!up.ok()) Stop();
  return up;
}

void LocalClickHouseServer::Stop() { process_.Stop(SIGTERM, std::chrono::seconds(10)); }

void LocalClickHouseServer::Kill() { process_.Kill(); }

std::string LocalClickHouseServer::LogTail(size_t max_bytes) const {
  return process_.LogTail(max_bytes);
}

}  // namespace sluice::connectors
