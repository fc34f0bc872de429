#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::connectors {

/// A connection to ClickHouse's HTTP interface over libcurl (keep-alive, one request at a time).
/// Errors are classified: kUnavailable for what may succeed later (connection refused or reset,
/// timeouts, 5xx other than data and schema errors, TOO_MANY_PARTS, MEMORY_LIMIT_EXCEEDED, ...),
/// other codes for what will not (the message is ClickHouse's). Credentials go as HTTP basic
/// auth, never into the URL or a log line.
///
/// Lifecycle: construct, any number of Execute calls, destroy. Not thread-safe: one owner thread.
class ClickHouseHttpClient {
 public:
  using Settings = std::vector<std::pair<std::string, std::string>>;

  ClickHouseHttpClient(std::string url, std::string username, std::string password,
                       int64_t timeout_ms);
  ~ClickHouseHttpClient();
  ClickHouseHttpClient(const ClickHouseHttpClient&) = delete;
  ClickHouseHttpClient& operator=(const ClickHouseHttpClient&) = delete;

  /// Runs `query` (sent as the POST body) and returns the response body.
  Result<std::string> Query(const std::string& query, const Settings& settings = {});
  /// Runs `query` (sent in the URL) with `data` as the POST body, e.g. an INSERT with RowBinary
  /// rows, and returns the response body.
  Result<std::string> Insert(const std::string& query, std::string_view data,
                             const Settings& settings = {});

  const std::string& url() const { return url_; }

  /// Returns the ClickHouse error code in a response body ("Code: 252, ..."), or 0.
  static int ErrorCode(std::string_view body);
  /// Returns true when an answer with HTTP status `http_status` and error `code` may succeed if
  /// the same request is sent again later.
  static bool IsRetryable(long http_status, int code);
  /// Returns `name` quoted as a ClickHouse identifier (backquotes).
  static std::string QuoteIdentifier(std::string_view name);
  /// Returns `s` quoted as a ClickHouse string literal (single quotes).
  static std::string QuoteLiteral(std::string_view s);

 private:
  Result<std::string> Perform(const std::string& target, std::string_view body,
                              std::string_view what);
  std::string Target(const Settings& settings, const std::string* query);

  std::string url_;
  std::string username_;
  std::string password_;
  int64_t timeout_ms_;
  void* curl_ = nullptr;  // CURL*
};

}  // namespace sluice::connectors
