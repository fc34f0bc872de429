#pragma once

#include <cstdint>
#include <random>
#include <set>
#include <string>

#include "common/status.h"
#include "connectors/connector_options.h"

namespace sluice::connectors {

/// The flush and retry options the ClickHouse and PostgreSQL sinks share, with the same names
/// and defaults in both: 'sink.flush-interval', 'sink.max-retries', 'sink.retry-backoff',
/// 'sink.retry-backoff-max' and 'sink.wait-for-server' (see connectors/README.md). Each of those
/// sinks' options derives from it.
struct SinkRetryOptions {
  int64_t flush_interval_ms = 1000;      // oldest buffered row's age before a flush
  int64_t max_retries = 10;              // retries of one write before kUnavailable
  int64_t retry_backoff_ms = 1000;       // first backoff; doubles up to retry_backoff_max_ms
  int64_t retry_backoff_max_ms = 30000;  // longest backoff between two attempts
  int64_t wait_for_server_ms = 120000;   // how long Open waits for a server that is down

  /// Returns the option names after "sink.", for ConnectorOptions::CheckKnown.
  static std::set<std::string> Names();
  /// Reads the options `options` has over the values held; returns kInvalidArgument naming
  /// `owner` (e.g. "connector 'postgres'") for a malformed value, negative max-retries or
  /// retry-backoff, or retry-backoff-max below retry-backoff.
  Status ParseRetryOptions(const ConnectorOptions& options, const std::string& owner);
};

/// Returns the wait before retry `attempt` (0 first): `base_ms` doubled per attempt up to
/// `max_ms`, times a jitter in [0.5, 1) drawn from `rng`, so that sinks retrying together spread.
int64_t RetryBackoffMillis(int64_t base_ms, int64_t max_ms, int attempt, std::mt19937_64& rng);

}  // namespace sluice::connectors
