#include "connectors/kafka/ndjson_file_producer.h"

#include <fmt/format.h>

#include <fstream>

#include "connectors/kafka/paced_producer.h"

namespace sluice::connectors {

Result<int64_t> NdjsonFileProducer::Run(const std::string& brokers, const std::string& topic,
                                        const std::string& path, double rate,
                                        const std::atomic<bool>& stop) {
  std::ifstream in(path);
  if (!in) return Status::IoError(fmt::format("cannot open '{}'", path));
  auto next_line = [&in](int64_t /*now_ms*/, std::string* line) {
    while (std::getline(in, *line)) {
      if (!line->empty()) return true;
    }
    return false;
  };
  return PacedProducer::Run(brokers, topic, rate, next_line, stop);
}

}  // namespace sluice::connectors
