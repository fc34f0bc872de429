#include "connectors/clickhouse/clickhouse_http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <mutex>

namespace sluice::connectors {
namespace {

size_t AppendToString(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Escape(CURL* curl, const std::string& text) {
  char* escaped = curl_easy_escape(curl, text.data(), static_cast<int>(text.size()));
  std::string out = escaped != nullptr ? escaped : "";
  curl_free(escaped);
  return out;
}

bool IsRetryableTransport(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

std::string Trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  return std::string(s.substr(0, 2000));
}

}  // namespace

ClickHouseHttpClient::ClickHouseHttpClient(std::string url, std::string username,
                                           std::string password, int64_t timeout_ms)
    : url_(std::move(url)),
      username_(std::move(username)),
      password_(std::move(password)),
      timeout_ms_(timeout_ms) {
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
  InitCurlOnce();
  curl_ = curl_easy_init();
}

ClickHouseHttpClient::~ClickHouseHttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

std::string ClickHouseHttpClient::QuoteIdentifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('`');
  return out;
}

std::string ClickHouseHttpClient::QuoteLiteral(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

int ClickHouseHttpClient::ErrorCode(std::string_view body) {
  size_t at = body.find("Code: ");
  if (at == std::string_view::npos) return 0;
  int code = 0;
  const char* begin = body.data() + at + 6;
  std::from_chars(begin, body.data() + body.size(), code);
  return code;
}

bool ClickHouseHttpClient::IsRetryable(long http_status, int code) {
  // TIMEOUT_EXCEEDED, SOCKET_TIMEOUT, NETWORK_ERROR, TOO_MANY_SIMULTANEOUS_QUERIES,
  // MEMORY_LIMIT_EXCEEDED, TABLE_IS_READ_ONLY, TOO_MANY_PARTS, UNKNOWN_STATUS_OF_INSERT,
  // ALL_CONNECTION_TRIES_FAILED, KEEPER_EXCEPTION, UNEXPECTED_END_OF_FILE.
  static constexpr std::array<int, 12> kRetryable = {159, 209, 210, 202, 241, 242,
                                                     252, 319, 279, 999, 3,   425};
  // Errors in the data, the query or the schema, and permission errors: sending them again
  // cannot help.
  static constexpr std::array<int, 42> kPermanent = {
      6,   8,   10,  16,  20,  26,  27,  32,  33,  36,  38, 41, 43,  44,
      47,  48,  49,  50,  53,  57,  60,  62,  69,  70,  72, 73, 81,  115,
      117, 131, 164, 192, 193, 194, 195, 349, 497, 516, 46, 52, 215, 184};
  if (std::find(kRetryable.begin(), kRetryable.end(), code) != kRetryable.end()) return true;
  if (http_status >= 500) {
    return std::find(kPermanent.begin(), kPermanent.end(), code) == kPermanent.end();
  }
  return false;
}

std::string ClickHouseHttpClient::Target(const Settings& settings, const std::string* query) {
  CURL* curl = static_cast<CURL*>(curl_);
  std::string target = url_ + "/?";
  bool first = true;
  auto add = [&](const std::string& key, const std::string& value) {
    if (!first) target += '&';
    first = false;
    target += Escape(curl, key) + "=" + Escape(curl, value);
  };
  for (const auto& [key, value] : settings) add(key, value);
  if (query != nullptr) add("query", *query);
  return target;
}

Result<std::string> ClickHouseHttpClient::Query(const std::string& query,
                                                const Settings& settings) {
  return Perform(Target(settings, nullptr), query, query);
}

Result<std::string> ClickHouseHttpClient::Insert(const std::string& query, std::string_view data,
                                                 const Settings& settings) {
  return Perform(Target(settings, &query), data, query);
}

Result<std::string> ClickHouseHttpClient::Perform(const std::string& target, std::string_view body,
                                                  std::string_view what) {
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return Status::Internal("curl_easy_init failed");
  curl_easy_reset(curl);
  std::string response;
  curl_easy_setopt(curl, CURLOPT_URL, target.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms_));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendToString);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  struct curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/octet-stream");
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (!username_.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERNAME, username_.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password_.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  std::string head(what.substr(0, 200));
  if (rc != CURLE_OK) {
    std::string message =
        fmt::format("ClickHouse at {}: {} (during `{}`)", url_, curl_easy_strerror(rc), head);
    if (IsRetryableTransport(rc)) return Status::Unavailable(std::move(message));
    return Status::IoError(std::move(message));
  }
  long http_status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
  if (http_status == 200) return response;
  int code = ErrorCode(response);
  std::string message = fmt::format("ClickHouse at {} answered HTTP {} to `{}`: {}", url_,
                                    http_status, head, Trimmed(response));
  if (IsRetryable(http_status, code)) return Status::Unavailable(std::move(message));
  if (code == 60 || code == 81 || code == 16) return Status::NotFound(std::move(message));
  return Status::InvalidArgument(std::move(message));
}

}  // namespace sluice::connectors
