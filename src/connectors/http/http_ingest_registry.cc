#include "connectors/http/http_ingest_registry.h"

#include <algorithm>

namespace sluice::connectors {

HttpIngestRegistry& HttpIngestRegistry::Global() {
  static HttpIngestRegistry* registry = new HttpIngestRegistry();
  return *registry;
}

Status HttpIngestRegistry::Add(std::shared_ptr<HttpIngestQueue> queue) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = queues_.emplace(queue->table(), queue);
  if (!inserted) {
    return Status::InvalidArgument("table '" + queue->table() +
                                   "' is already an 'http' source of this process");
  }
  return Status::Ok();
}

void HttpIngestRegistry::Remove(const HttpIngestQueue* queue) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = queues_.find(queue->table());
  if (it != queues_.end() && it->second.get() == queue) queues_.erase(it);
}

std::shared_ptr<HttpIngestQueue> HttpIngestRegistry::Find(const std::string& table) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = queues_.find(table);
  return it == queues_.end() ? nullptr : it->second;
}

size_t HttpIngestRegistry::max_body_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t max = 0;
  for (const auto& [table, queue] : queues_) max = std::max(max, queue->options().max_body_bytes);
  return max;
}

std::vector<std::string> HttpIngestRegistry::tables() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& [table, queue] : queues_) names.push_back(table);
  return names;
}

}  // namespace sluice::connectors
