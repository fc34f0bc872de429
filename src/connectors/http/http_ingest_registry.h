#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/http/http_ingest_queue.h"

namespace sluice::connectors {

/// Where the server finds the ingest queue of an 'http' source table: the process-wide map from
/// table name to queue. Sources Add their queue when created and Remove it when destroyed; the
/// server's POST /ingest/<table> route Finds it per request. Thread-safe.
class HttpIngestRegistry {
 public:
  /// Returns the registry of this process.
  static HttpIngestRegistry& Global();

  /// Makes `queue` the one for its table; kInvalidArgument when another source of this process
  /// already serves that table.
  Status Add(std::shared_ptr<HttpIngestQueue> queue);
  /// Removes `queue` if it is still the one registered for its table.
  void Remove(const HttpIngestQueue* queue);
  /// Returns the queue of `table`, or null.
  std::shared_ptr<HttpIngestQueue> Find(const std::string& table) const;
  /// Returns the largest 'http.max-body-size' of the registered tables (0 when there is none).
  size_t max_body_bytes() const;
  std::vector<std::string> tables() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<HttpIngestQueue>> queues_;
};

}  // namespace sluice::connectors
