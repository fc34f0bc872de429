#include "runtime/restart_strategy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "common/duration.h"

namespace sluice::runtime {
namespace {

constexpr char kFixed[] = "restart-strategy.fixed-delay.";
constexpr char kExponential[] = "restart-strategy.exponential-delay.";

Status BadValue(const std::string& key, const std::string& value, const char* expected) {
  return Status::InvalidArgument(fmt::format("SET '{}' = '{}': expected {}", key, value, expected));
}

Result<int64_t> ReadCount(const std::string& key, const std::string& value) {
  char* end = nullptr;
  long long v = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || v < 0) return BadValue(key, value, "a count >= 0");
  return static_cast<int64_t>(v);
}

Result<int64_t> ReadDuration(const std::string& key, const std::string& value) {
  auto ms = ParseDurationMillis(value);
  if (!ms.ok()) return ms.status().WithContext(fmt::format("SET '{}'", key));
  return *ms;
}

Result<RestartStrategy::Kind> ReadKind(const std::string& key, const std::string& value) {
  if (value == "none" || value == "off" || value == "disable") return RestartStrategy::Kind::kNone;
  if (value == "fixed-delay" || value == "fixeddelay") return RestartStrategy::Kind::kFixedDelay;
  if (value == "exponential-delay" || value == "exponentialdelay") {
    return RestartStrategy::Kind::kExponentialDelay;
  }
  return BadValue(key, value, "none, fixed-delay or exponential-delay");
}

}  // namespace

Result<RestartStrategy> RestartStrategy::FromSettings(
    const std::map<std::string, std::string>& settings) {
  RestartStrategy r;
  bool attempts_set = false;
  for (const auto& [key, value] : settings) {
    if (key == "restart-strategy" || key == "restart-strategy.type") {
      ASSIGN_OR_RETURN(r.kind_, ReadKind(key, value));
    } else if (key == std::string(kFixed) + "attempts" ||
               key == std::string(kExponential) + "attempts-before-reset-backoff") {
      ASSIGN_OR_RETURN(r.max_attempts_, ReadCount(key, value));
      attempts_set = true;
    } else if (key == std::string(kFixed) + "delay" ||
               key == std::string(kExponential) + "initial-backoff") {
      ASSIGN_OR_RETURN(r.delay_ms_, ReadDuration(key, value));
    } else if (key == std::string(kExponential) + "max-backoff") {
      ASSIGN_OR_RETURN(r.max_backoff_ms_, ReadDuration(key, value));
    } else if (key == std::string(kExponential) + "reset-backoff-threshold") {
      ASSIGN_OR_RETURN(r.reset_threshold_ms_, ReadDuration(key, value));
    } else if (key == std::string(kExponential) + "backoff-multiplier") {
      char* end = nullptr;
      r.multiplier_ = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || r.multiplier_ < 1.0) {
        return BadValue(key, value, "a number >= 1");
      }
    } else if (key.rfind("restart-strategy.", 0) == 0) {
      return Status::InvalidArgument(fmt::format(
          "unknown setting '{}'; known: restart-strategy, {}attempts, {}delay, {}initial-backoff, "
          "{}max-backoff, {}backoff-multiplier, {}reset-backoff-threshold, "
          "{}attempts-before-reset-backoff",
          key, kFixed, kFixed, kExponential, kExponential, kExponential, kExponential,
          kExponential));
    }
  }
  if (r.kind_ == Kind::kExponentialDelay && !attempts_set) r.max_attempts_ = -1;
  r.next_backoff_ms_ = r.delay_ms_;
  return r;
}

std::optional<int64_t> RestartStrategy::NextDelayMillis(int64_t run_millis) {
  if (kind_ == Kind::kNone) return std::nullopt;
  if (kind_ == Kind::kExponentialDelay && run_millis >= reset_threshold_ms_) {
    attempts_made_ = 0;
    next_backoff_ms_ = delay_ms_;
  }
  if (max_attempts_ >= 0 && attempts_made_ >= max_attempts_) return std::nullopt;
  ++attempts_made_;
  if (kind_ == Kind::kFixedDelay) return delay_ms_;
  const int64_t delay = std::min(next_backoff_ms_, max_backoff_ms_);
  next_backoff_ms_ = std::min<int64_t>(
      static_cast<int64_t>(static_cast<double>(next_backoff_ms_) * multiplier_), max_backoff_ms_);
  return delay;
}

std::string RestartStrategy::Describe() const {
  switch (kind_) {
    case Kind::kNone:
      return "none (a failure ends the pipeline)";
    case Kind::kFixedDelay:
      return fmt::format("fixed-delay ({} attempt(s), {} apart)", max_attempts_,
                         FormatDurationMillis(delay_ms_));
    case Kind::kExponentialDelay:
      return fmt::format(
          "exponential-delay (backoff {} x{} up to {}, {} attempts)",
          FormatDurationMillis(delay_ms_), multiplier_, FormatDurationMillis(max_backoff_ms_),
          max_attempts_ < 0 ? std::string("unlimited") : std::to_string(max_attempts_));
  }
  return "";
}

}  // namespace sluice::runtime
