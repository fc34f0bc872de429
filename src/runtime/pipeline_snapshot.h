#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::runtime {

/// A split (Kafka partition, file) a source owned at the end of the last epoch.
struct SplitSnapshot {
  std::string name;
  int64_t backlog = -1;  // records available upstream, not read yet (-1: unknown)
};

/// What one source looked like at the end of the last epoch.
struct SourceSnapshot {
  std::string name;
  bool open = false;      // opened and not closed
  bool finished = false;  // bounded input read to its end
  int64_t records = 0;
  std::optional<int64_t> watermark_ms;  // absent until the first watermark
  std::vector<SplitSnapshot> splits;    // the splits it owns, in split order
};

/// What one sink looked like at the end of the last epoch.
struct SinkSnapshot {
  std::string name;
  int64_t rows = 0;
};

/// What one stateful operator looked like at the end of the last epoch.
struct OperatorSnapshot {
  std::string job;
  std::string name;  // its kind, numbered within the job when repeated (StatefulOperators)
  int64_t state_keys = 0;
  std::optional<int64_t> state_bytes;  // in the last checkpoint; absent before the first
  int64_t late_dropped = 0;
  int64_t late_updated = 0;
};

/// A copy of a pipeline's state that the pipeline thread publishes once per epoch (and at start
/// and stop) for other threads (the HTTP server) to read; see Pipeline::snapshot().
struct PipelineSnapshot {
  std::string name;
  std::string state = "created";  // created, running, finished (bounded input ended), stopped
  int64_t started_ms = 0;         // wall-clock time Run/Replay opened the pipeline
  int64_t last_commit_ms = 0;     // wall-clock time of the last commit (started_ms before one)
  int64_t last_committed_epoch = 0;
  int64_t epoch_interval_ms = 0;
  int64_t bad_records = 0;
  std::vector<SourceSnapshot> sources;
  std::vector<SinkSnapshot> sinks;
  std::vector<OperatorSnapshot> operators;
};

}  // namespace sluice::runtime
