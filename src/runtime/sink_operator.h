#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/operator.h"
#include "runtime/sink_writer.h"

namespace sluice::runtime {

/// The last operator of a job: holds the batches an epoch produced and hands them to the
/// SinkWriter as numbered blocks when the epoch ends, after the epoch's log entry is durable;
/// CommitEpoch follows, possibly after the next epoch was processed (runtime/README.md,
/// "Pipelined commits"). Used by the pipeline thread only.
class SinkOperator : public Operator {
 public:
  SinkOperator(std::string name, std::unique_ptr<SinkWriter> writer)
      : name_(std::move(name)), writer_(std::move(writer)) {}

  Status Open() override { return writer_->Open(); }
  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  Status Finish() override { return Status::Ok(); }
  std::string Describe() const override { return "Sink[" + name_ + "]: " + writer_->Describe(); }

  /// Writes the held batches as blocks 0..n-1 of `epoch` and starts their delivery
  /// (SinkWriter::FlushEpoch) without waiting for it.
  Status WriteEpoch(EpochId epoch);
  /// Returns whether the sink acknowledged what WriteEpoch started (CommitEpoch will not wait).
  bool Acknowledged() const { return writer_->Acknowledged(); }
  /// Waits until every block of `epoch`, written by WriteEpoch, is durable in the sink.
  Status CommitEpoch(EpochId epoch);
  /// Drops the held batches: the epoch was replayed from the log and every sink had already
  /// acknowledged it (its commit record is in the log).
  void DiscardEpoch() {
    pending_.clear();
    pending_bytes_ = 0;
  }
  /// Returns the bytes of the batches held for the epoch's end (the sink's buffered output).
  size_t StateBytes() const override { return pending_bytes_; }
  Status Close() { return writer_->Close(); }

  const std::string& name() const { return name_; }
  /// Returns the rows of the epochs the sink committed.
  int64_t rows_written() const { return rows_written_; }
  /// Returns the writer (for its delivery counters and latency histogram).
  SinkWriter& writer() const { return *writer_; }

 private:
  std::string name_;
  std::unique_ptr<SinkWriter> writer_;
  std::vector<BatchPtr> pending_;
  size_t pending_bytes_ = 0;  // MemoryFootprint of pending_
  int64_t rows_handed_ = 0;   // rows given to Write
  int64_t rows_written_ = 0;  // of them, those of committed epochs
};

}  // namespace sluice::runtime
