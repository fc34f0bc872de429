#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "runtime/sink_writer.h"

namespace sluice::connectors {

/// Prints each row as Flink's print connector does: "+I[v1, v2, ...]" with the row kind
/// (+I, -U, +U, -D) and values as Flink prints them, prefixed by "<print-identifier>> " when an
/// identifier is set. Lines are buffered and written and flushed at CommitEpoch. Output already
/// printed is printed again if an epoch is replayed: at-least-once. Called from the pipeline
/// thread only; `out` (stdout, stderr or a test's file) must outlive the sink.
class PrintSink : public runtime::SinkWriter {
 public:
  PrintSink(std::FILE* out, std::string identifier, std::string stream_name = "stdout");

  Status Open() override { return Status::Ok(); }
  Status Write(EpochId epoch, int block, const Batch& batch) override;
  Status CommitEpoch(EpochId epoch) override;
  Status Close() override;
  std::string Describe() const override;

  /// Appends the text of row `row` of `batch`, without prefix or newline.
  static void AppendRowText(const Batch& batch, size_t row, std::string* out);

 private:
  std::FILE* out_;
  std::string prefix_;
  std::string stream_name_;
  std::string buffer_;
};

}  // namespace sluice::connectors
