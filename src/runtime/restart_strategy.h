#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/status.h"

namespace sluice::runtime {

/// Decides whether and when a pipeline that failed with a transient error (kUnavailable: a source
/// or sink gone beyond the connector's own retries) is restarted inside the process, from its last
/// checkpoint and epoch log. Configured as Flink names it:
///   'restart-strategy' (or 'restart-strategy.type') = 'none' | 'fixed-delay' | 'exponential-delay'
///   'restart-strategy.fixed-delay.attempts' (default 1), '.delay' (default 1 s);
///   'restart-strategy.exponential-delay.initial-backoff' (1 s), '.max-backoff' (5 min),
///   '.backoff-multiplier' (2.0), '.reset-backoff-threshold' (1 h: a run that lasted this long
///   resets the backoff), '.attempts-before-reset-backoff' (unlimited when unset).
/// The default is 'none': a failure ends the pipeline. Not thread-safe: one owner.
class RestartStrategy {
 public:
  enum class Kind { kNone, kFixedDelay, kExponentialDelay };

  /// Reads the 'restart-strategy*' keys of `settings`; an unknown key under 'restart-strategy.'
  /// or a bad value is kInvalidArgument naming it.
  static Result<RestartStrategy> FromSettings(const std::map<std::string, std::string>& settings);

  /// Returns the delay before the next restart after a run that lasted `run_millis` failed with
  /// a retryable error, and counts the attempt; nullopt when the strategy allows no more.
  std::optional<int64_t> NextDelayMillis(int64_t run_millis);

  Kind kind() const { return kind_; }
  int64_t attempts_made() const { return attempts_made_; }
  /// Returns e.g. "fixed-delay (3 attempts, 1 s apart)".
  std::string Describe() const;

 private:
  Kind kind_ = Kind::kNone;
  int64_t max_attempts_ = 1;  // fixed-delay: attempts; exponential: before reset (-1: any)
  int64_t delay_ms_ = 1000;   // fixed delay, or the initial backoff
  int64_t max_backoff_ms_ = 300'000;
  double multiplier_ = 2.0;
  int64_t reset_threshold_ms_ = 3'600'000;
  int64_t attempts_made_ = 0;    // since the last reset
  int64_t next_backoff_ms_ = 0;  // exponential: the next delay
};

}  // namespace sluice::runtime
