#include "connectors/sink_retry_options.h"

#include <algorithm>

namespace sluice::connectors {

std::set<std::string> SinkRetryOptions::Names() {
  return {"flush-interval", "max-retries", "retry-backoff", "retry-backoff-max", "wait-for-server"};
}

Status SinkRetryOptions::ParseRetryOptions(const ConnectorOptions& options,
                                           const std::string& owner) {
  ASSIGN_OR_RETURN(flush_interval_ms,
                   options.GetDurationMillis("sink.flush-interval", flush_interval_ms));
  ASSIGN_OR_RETURN(max_retries, options.GetInt("sink.max-retries", max_retries));
  ASSIGN_OR_RETURN(retry_backoff_ms,
                   options.GetDurationMillis("sink.retry-backoff", retry_backoff_ms));
  ASSIGN_OR_RETURN(retry_backoff_max_ms,
                   options.GetDurationMillis("sink.retry-backoff-max", retry_backoff_max_ms));
  ASSIGN_OR_RETURN(wait_for_server_ms,
                   options.GetDurationMillis("sink.wait-for-server", wait_for_server_ms));
  if (max_retries < 0 || retry_backoff_ms < 0 || retry_backoff_max_ms < retry_backoff_ms) {
    return Status::InvalidArgument(
        owner +
        ": sink.max-retries and sink.retry-backoff must not be negative, sink.retry-backoff-max "
        "not below sink.retry-backoff");
  }
  return Status::Ok();
}

int64_t RetryBackoffMillis(int64_t base_ms, int64_t max_ms, int attempt, std::mt19937_64& rng) {
  int64_t ms = base_ms;
  for (int i = 0; i < attempt && ms < max_ms; ++i) ms *= 2;
  ms = std::min(ms, max_ms);
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return static_cast<int64_t>(static_cast<double>(ms) * jitter(rng));
}

}  // namespace sluice::connectors
