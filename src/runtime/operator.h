#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "common/event_time.h"
#include "common/status.h"
#include "runtime/operator_stats.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "types/batch.h"

namespace sluice::runtime {

/// A push-based stage of a job: receives batches and watermark advances from its inputs and
/// pushes batches and watermarks to one downstream operator. All calls come from the pipeline
/// thread, in an order that is a function of the logged input order only, so output is
/// deterministic. Lifecycle: Open, then any number of Process / AdvanceWatermark, then Finish
/// once when every input has ended (bounded input or shutdown of a bounded run).
class Operator {
 public:
  virtual ~Operator() = default;

  /// Connects the output to input `input_index` of `downstream`.
  void SetOutput(Operator* downstream, size_t input_index) {
    downstream_ = downstream;
    downstream_input_ = input_index;
  }

  virtual Status Open() { return Status::Ok(); }
  /// Processes a batch arriving on input `input`.
  virtual Status Process(const BatchPtr& batch, size_t input) = 0;
  /// Tells the operator that input `input`'s watermark is now `watermark` (never decreases).
  /// Operators with event-time state fire what the watermark completes, then forward it.
  virtual Status AdvanceWatermark(Watermark watermark, size_t input) = 0;
  /// Flushes everything still held (every window fires) and forwards Finish downstream.
  virtual Status Finish() = 0;

  /// Returns a one-line description for EXPLAIN, e.g. "WindowAggregate[TUMBLE(ts, 10 s)]".
  virtual std::string Describe() const = 0;

  /// Appends the operator's state to `out` for a checkpoint. Called on the pipeline thread
  /// between epochs (after the epoch's output went to the sinks), never during Process. The
  /// layout is the operator's own; it must hold everything later output depends on. Stateless
  /// operators write nothing.
  virtual Status SaveState(StateEncoder* out) const {
    (void)out;
    return Status::Ok();
  }
  /// Replaces the state with what SaveState wrote (a pipeline with the same plan). Called on the
  /// pipeline thread after Open and before any input; returns kDataError on malformed state.
  virtual Status RestoreState(StateDecoder* in) {
    (void)in;
    return Status::Ok();
  }

  /// Returns the state keys and late-row counts of a stateful operator; nullopt for a stateless
  /// one (those have no per-operator series).
  virtual std::optional<OperatorStats> stats() const { return std::nullopt; }
  /// Returns the bytes of memory the operator's state holds ('pipeline.max-memory' bounds their
  /// sum). Operators that count nothing return 0 (see runtime/README.md for which count).
  virtual size_t StateBytes() const { return 0; }

 protected:
  Status Emit(const BatchPtr& batch) {
    return downstream_ ? downstream_->Process(batch, downstream_input_) : Status::Ok();
  }
  Status EmitWatermark(Watermark watermark) {
    return downstream_ ? downstream_->AdvanceWatermark(watermark, downstream_input_) : Status::Ok();
  }
  Status EmitFinish() { return downstream_ ? downstream_->Finish() : Status::Ok(); }

  Operator* downstream_ = nullptr;
  size_t downstream_input_ = 0;
};

}  // namespace sluice::runtime
