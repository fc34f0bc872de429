#include "common/logging.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace sluice {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::mutex g_mutex;

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO ";
    case LogLevel::kWarn: return "WARN ";
    case LogLevel::kError: return "ERROR";
    case LogLevel::kOff: return "OFF  ";
  }
  return "?";
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  if (text == "debug") *level = LogLevel::kDebug;
  else if (text == "info") *level = LogLevel::kInfo;
  else if (text == "warn") *level = LogLevel::kWarn;
  else if (text == "error") *level = LogLevel::kError;
  else if (text == "off") *level = LogLevel::kOff;
  else return false;
  return true;
}

void LogLine(LogLevel level, std::string_view message) {
  if (level < g_level.load()) return;
  int64_t now = NowMillis();
  std::time_t seconds = now / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fprintf(stderr, "%s.%03dZ %s %.*s\n", stamp, static_cast<int>(now % 1000), LevelName(level),
               static_cast<int>(message.size()), message.data());
}

void RateLimitedLog::Warn(std::string_view message) {
  if (emitted_ < burst_) {
    ++emitted_;
    LogLine(LogLevel::kWarn, message);
    return;
  }
  ++suppressed_;
  int64_t now = NowMillis();
  if (now - last_summary_ms_ >= interval_ms_) {
    last_summary_ms_ = now;
    LogLine(LogLevel::kWarn, fmt::format("{} similar warnings suppressed so far; latest: {}",
                                         suppressed_, message));
  }
}

}  // namespace sluice
