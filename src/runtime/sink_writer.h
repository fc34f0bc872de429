#pragma once

#include <optional>
#include <string>

#include "common/event_time.h"
#include "common/metrics_registry.h"
#include "common/status.h"
#include "types/batch.h"

namespace sluice::runtime {

/// Cumulative delivery counters of a sink that talks to a server (see
/// SinkWriter::delivery_counters).
struct SinkDeliveryCounters {
  int64_t bytes = 0;           // encoded bytes the server acknowledged
  int64_t requests = 0;        // successful write requests (INSERTs)
  int64_t retries = 0;         // failed attempts that were retried
  int64_t failures = 0;        // requests given up (non-retryable, or retries exhausted)
  int64_t rows_in_flight = 0;  // rows handed to the sink and not acknowledged yet
};

/// Writes a job's output to an external system. Called from the pipeline thread.
/// Lifecycle: Open; per epoch any number of Write calls, then FlushEpoch, then CommitEpoch; Close
/// at shutdown. The pipeline may process the next epoch between FlushEpoch and CommitEpoch (it
/// asks Acknowledged() meanwhile), but the next epoch's first Write always follows CommitEpoch.
/// A write is identified by (pipeline, sink, epoch, block number within the epoch); a sink that
/// can make a repeated identifier a no-op does so (exactly-once by deterministic replay).
class SinkWriter {
 public:
  virtual ~SinkWriter() = default;

  virtual Status Open() = 0;
  /// Writes `batch` (rows of the sink's input schema; row kinds when the input is a changelog)
  /// as block `block` of `epoch`.
  virtual Status Write(EpochId epoch, int block, const Batch& batch) = 0;
  /// Starts delivering what the epoch's Writes left buffered (e.g. sends the last INSERT) without
  /// waiting for it; CommitEpoch waits. The default does nothing: CommitEpoch does it all.
  virtual Status FlushEpoch(EpochId /*epoch*/) { return Status::Ok(); }
  /// Returns false while a request FlushEpoch (or a Write) started is still in flight, i.e. while
  /// CommitEpoch would wait for the server. The default, true, makes the pipeline call
  /// CommitEpoch at its next step.
  virtual bool Acknowledged() const { return true; }
  /// Makes every block of `epoch` durable. Returns kUnavailable to be retried.
  virtual Status CommitEpoch(EpochId epoch) = 0;
  virtual Status Close() = 0;
  /// Returns a one-line description with the delivery guarantee, e.g.
  /// "filesystem /tmp/out.json (json), at-least-once".
  virtual std::string Describe() const = 0;
  /// Returns the sink's delivery counters, or nullopt when it keeps none. Thread-safe: read by
  /// the pipeline thread at each epoch end while a request may be in flight.
  virtual std::optional<SinkDeliveryCounters> delivery_counters() const { return std::nullopt; }
  /// Gives the sink the histogram in which it records the latency, in seconds, of each successful
  /// write request; called once before the first Write; `histogram` outlives the sink. Ignored by
  /// default.
  virtual void set_request_latency(Histogram* /*histogram*/) {}
};

}  // namespace sluice::runtime
