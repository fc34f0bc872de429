#include "testing/clickhouse_server.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>

namespace sluice::testing {
namespace {

size_t AppendToString(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::unique_ptr<ClickHouseServer>& SharedClickHouseSlot() {
  static std::unique_ptr<ClickHouseServer> server;
  return server;
}

}  // namespace

ClickHouseServer::ClickHouseServer() {
  char pattern[] = "/tmp/sluice-clickhouse-XXXXXX";
  const char* dir = ::mkdtemp(pattern);
  dir_ = dir != nullptr ? dir : "";
  server_ = std::make_unique<connectors::LocalClickHouseServer>(dir_);
}

ClickHouseServer::~ClickHouseServer() {
  server_.reset();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

Status ClickHouseServer::Start(int timeout_ms) { return server_->Start(timeout_ms); }

void ClickHouseServer::Stop() { server_->Stop(); }

void ClickHouseServer::Kill() { server_->Kill(); }

Result<std::string> ClickHouseServer::Query(const std::string& sql) const {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::Internal("curl_easy_init failed");
  std::string body;
  std::string target = url() + "/";
  curl_easy_setopt(curl.get(), CURLOPT_URL, target.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, sql.data());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(sql.size()));
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, AppendToString);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    return Status::Unavailable(
        fmt::format("query to {} failed: {}", url(), curl_easy_strerror(rc)));
  }
  long http = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &http);
  if (http != 200) {
    return Status::InvalidArgument(fmt::format("HTTP {} for `{}`: {}", http, sql, body));
  }
  return body;
}

Result<ClickHouseServer*> ClickHouseServer::Shared() {
  std::unique_ptr<ClickHouseServer>& slot = SharedClickHouseSlot();
  if (!slot) {
    auto server = std::make_unique<ClickHouseServer>();
    RETURN_IF_ERROR(server->Start());
    slot = std::move(server);
  }
  return slot.get();
}

void ClickHouseServer::DestroyShared() { SharedClickHouseSlot().reset(); }

Status ClickHouseServer::UseZooKeeper(int zookeeper_port, const std::string& replica) {
  const std::string dir = server_->directory() + "/config.d";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::ofstream xml(dir + "/zookeeper.xml");
  xml << fmt::format(
      "<yandex>\n"
      "  <zookeeper>\n"
      "    <node><host>127.0.0.1</host><port>{}</port></node>\n"
      "    <session_timeout_ms>30000</session_timeout_ms>\n"
      "  </zookeeper>\n"
      "  <macros><shard>01</shard><replica>{}</replica></macros>\n"
      "</yandex>\n",
      zookeeper_port, replica);
  if (!xml) return Status::IoError("cannot write " + dir + "/zookeeper.xml");
  return Status::Ok();
}

}  // namespace sluice::testing
