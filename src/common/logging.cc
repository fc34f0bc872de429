#include "common/logging.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

#include "common/json_string.h"
#include "common/secret_redactor.h"
#include "common/wall_clock.h"

namespace sluice {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogFormat> g_format{LogFormat::kText};
std::mutex g_mutex;

// Indexed by LogLevel: the padded name of text lines, the name of JSON lines.
constexpr const char* kTextLevel[] = {"DEBUG", "INFO ", "WARN ", "ERROR", "OFF  "};
constexpr const char* kJsonLevel[] = {"debug", "info", "warn", "error", "off"};

std::string FormatLine(LogLevel level, const std::string& stamp, std::string_view message,
                       const LogFields& fields) {
  std::string line;
  if (g_format.load() == LogFormat::kText) {
    line = fmt::format("{} {} {}", stamp, kTextLevel[static_cast<int>(level)], message);
    for (const auto& [key, value] : fields) line += " " + key + "=" + value;
  } else {
    line = fmt::format("{{\"ts\":\"{}\",\"level\":\"{}\",\"msg\":", stamp,
                       kJsonLevel[static_cast<int>(level)]);
    AppendJsonString(message, &line);
    line += ",\"fields\":{";
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) line += ',';
      AppendJsonString(fields[i].first, &line);
      line += ':';
      AppendJsonString(fields[i].second, &line);
    }
    line += "}}";
  }
  return SecretRedactor::Global().Redact(line) + "\n";
}

}  // namespace

void SetLogFormat(LogFormat format) { g_format = format; }

bool ParseLogFormat(std::string_view text, LogFormat* format) {
  if (text == "text") {
    *format = LogFormat::kText;
  } else if (text == "json") {
    *format = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  if (text == "debug")
    *level = LogLevel::kDebug;
  else if (text == "info")
    *level = LogLevel::kInfo;
  else if (text == "warn")
    *level = LogLevel::kWarn;
  else if (text == "error")
    *level = LogLevel::kError;
  else if (text == "off")
    *level = LogLevel::kOff;
  else
    return false;
  return true;
}

void LogLine(LogLevel level, std::string_view message, const LogFields& fields) {
  if (level < g_level.load()) return;
  int64_t now = WallClockMillis();
  std::time_t seconds = now / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  const std::string line = FormatLine(
      level, fmt::format("{}.{:03d}Z", stamp, static_cast<int>(now % 1000)), message, fields);
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void RateLimitedLog::Warn(std::string_view message) {
  if (emitted_ < burst_) {
    ++emitted_;
    LogLine(LogLevel::kWarn, message);
    return;
  }
  ++suppressed_;
  int64_t now = WallClockMillis();
  if (now - last_summary_ms_ >= interval_ms_) {
    last_summary_ms_ = now;
    LogLine(LogLevel::kWarn,
            fmt::format("{} similar warnings suppressed so far; latest: {}", suppressed_, message));
  }
}

}  // namespace sluice
