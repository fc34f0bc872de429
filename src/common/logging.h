#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

/// Sets the lowest level written to stderr (default kInfo). Call before threads start.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
/// Parses "debug", "info", "warn", "error" or "off".
bool ParseLogLevel(std::string_view text, LogLevel* level);

/// How lines are written: kText "<time> <LEVEL> <message> key=value ...", or kJson one object a
/// line {"ts": "<RFC 3339 UTC>", "level": "info", "msg": "...", "fields": {...}}.
enum class LogFormat { kText, kJson };
/// Sets the format (default kText). Call before threads start.
void SetLogFormat(LogFormat format);
/// Parses "text" or "json".
bool ParseLogFormat(std::string_view text, LogFormat* format);

/// Key-value pairs of one log event, in the order they are written.
using LogFields = std::vector<std::pair<std::string, std::string>>;

/// Writes one line to stderr when `level` is enabled, with every secret the SecretRedactor knows
/// replaced by "***". Thread-safe.
void LogLine(LogLevel level, std::string_view message, const LogFields& fields = {});

template <typename... Args>
void LogInfo(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() <= LogLevel::kInfo)
    LogLine(LogLevel::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogWarn(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() <= LogLevel::kWarn)
    LogLine(LogLevel::kWarn, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogError(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() <= LogLevel::kError)
    LogLine(LogLevel::kError, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogDebug(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() <= LogLevel::kDebug)
    LogLine(LogLevel::kDebug, fmt::format(f, std::forward<Args>(args)...));
}

/// Lets the first `burst` messages of a kind through, then one summary per `interval_ms` of how
/// many were suppressed. Used for warnings about bad records. Not thread-safe: one per owner.
class RateLimitedLog {
 public:
  RateLimitedLog(int burst, int64_t interval_ms) : burst_(burst), interval_ms_(interval_ms) {}

  /// Writes `message` at warn level, or counts it as suppressed.
  void Warn(std::string_view message);

  int64_t suppressed() const { return suppressed_; }

 private:
  int burst_;
  int64_t interval_ms_;
  int emitted_ = 0;
  int64_t suppressed_ = 0;
  int64_t last_summary_ms_ = 0;
};

}  // namespace sluice
