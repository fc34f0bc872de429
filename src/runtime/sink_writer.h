#pragma once

#include <string>

#include "common/event_time.h"
#include "common/status.h"
#include "types/batch.h"

namespace sluice::runtime {

/// Writes a job's output to an external system. Called from the pipeline thread.
/// Lifecycle: Open; per epoch any number of Write calls then CommitEpoch; Close at shutdown.
/// A write is identified by (pipeline, sink, epoch, block number within the epoch); a sink that
/// can make a repeated identifier a no-op does so (exactly-once by deterministic replay).
class SinkWriter {
 public:
  virtual ~SinkWriter() = default;

  virtual Status Open() = 0;
  /// Writes `batch` (rows of the sink's input schema; row kinds when the input is a changelog)
  /// as block `block` of `epoch`.
  virtual Status Write(EpochId epoch, int block, const Batch& batch) = 0;
  /// Makes every block of `epoch` durable. Returns kUnavailable to be retried.
  virtual Status CommitEpoch(EpochId epoch) = 0;
  virtual Status Close() = 0;
  /// Returns a one-line description with the delivery guarantee, e.g.
  /// "filesystem /tmp/out.json (json), at-least-once".
  virtual std::string Describe() const = 0;
};

}  // namespace sluice::runtime
