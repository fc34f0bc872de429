#include "testing/ingest_load_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice::testing {
namespace {

using Clock = std::chrono::steady_clock;

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct SharedState {
  std::atomic<int64_t> next{0};
  std::mutex mu;
  IngestLoadReport report;
  std::vector<double> latencies_ms;
};

// Posts batches until none is left or the deadline passes, on one connection.
void Worker(const IngestLoadOptions& options, Clock::time_point deadline, SharedState* state) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/x-ndjson");
  if (!options.token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + options.token).c_str());
  }
  std::string reply;
  curl_easy_setopt(curl, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  std::vector<double> latencies;
  IngestLoadReport mine;
  for (int64_t i = state->next++; i < options.batches && Clock::now() < deadline;
       i = state->next++) {
    const std::string body = options.body(i);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    while (Clock::now() < deadline) {
      reply.clear();
      const Clock::time_point start = Clock::now();
      CURLcode rc = curl_easy_perform(curl);
      long status = 0;
      if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (status != 0) ++mine.requests;
      if (status == 200) {
        ++mine.accepted_batches;
        latencies.push_back(ms);
        break;
      }
      if (status == 429 || status == 503) {
        ++mine.retries;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      ++mine.failed_batches;
      if (mine.first_failure.empty()) {
        mine.first_failure = rc == CURLE_OK ? std::to_string(status) + " " + reply
                                            : std::string(curl_easy_strerror(rc));
      }
      break;
    }
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  std::lock_guard<std::mutex> lock(state->mu);
  IngestLoadReport& r = state->report;
  r.accepted_batches += mine.accepted_batches;
  r.failed_batches += mine.failed_batches;
  r.retries += mine.retries;
  r.requests += mine.requests;
  if (r.first_failure.empty()) r.first_failure = mine.first_failure;
  state->latencies_ms.insert(state->latencies_ms.end(), latencies.begin(), latencies.end());
}

double Percentile(std::vector<double>* values, double p) {
  if (values->empty()) return 0;
  size_t k = static_cast<size_t>(p * static_cast<double>(values->size() - 1));
  std::nth_element(values->begin(), values->begin() + static_cast<std::ptrdiff_t>(k),
                   values->end());
  return (*values)[k];
}

}  // namespace

IngestLoadReport IngestLoadClient::Run(const IngestLoadOptions& options) {
  SharedState state;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + options.deadline;
  std::vector<std::thread> threads;
  for (int c = 0; c < std::max(1, options.connections); ++c) {
    threads.emplace_back(Worker, std::cref(options), deadline, &state);
  }
  for (auto& t : threads) t.join();
  state.report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  state.report.p50_ms = Percentile(&state.latencies_ms, 0.50);
  state.report.p99_ms = Percentile(&state.latencies_ms, 0.99);
  return state.report;
}

}  // namespace sluice::testing
