#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace sluice::testing {

/// What to post: `batches` bodies made by `body(i)` for i in [0, batches), to `url` (e.g.
/// "http://127.0.0.1:8080/ingest/clicks") over `connections` keep-alive connections, each from
/// its own thread taking the next batch index.
struct IngestLoadOptions {
  std::string url;
  std::string token;  // sent as "Authorization: Bearer <token>" when set
  int connections = 4;
  int64_t batches = 0;
  std::function<std::string(int64_t batch)> body;
  std::chrono::seconds deadline{120};  // gives up (batches left unsent) after this
};

/// What happened: a batch counts as accepted when it got 200; 429 and 503 answers are retried
/// (after 20 ms) and counted; any other answer or a transport error fails the batch.
struct IngestLoadReport {
  int64_t accepted_batches = 0;
  int64_t failed_batches = 0;
  int64_t retries = 0;   // 429/503 answers
  int64_t requests = 0;  // every answered request
  double seconds = 0;
  double p50_ms = 0;  // latency of the requests answered 200
  double p99_ms = 0;
  std::string first_failure;  // status and body of the first failed batch
};

/// A small HTTP load generator for the /ingest route (libcurl easy handles, one per thread).
/// Thread-safe to call; each Run uses its own threads and returns when they are done.
class IngestLoadClient {
 public:
  static IngestLoadReport Run(const IngestLoadOptions& options);
};

}  // namespace sluice::testing
