#pragma once

#include <cstdint>
#include <string>

#include "runtime/sink_writer.h"

namespace sluice::connectors {

/// Discards every row and counts them (for benchmarks and for testing the pipeline alone).
/// Called from the pipeline thread only.
class BlackholeSink : public runtime::SinkWriter {
 public:
  Status Open() override { return Status::Ok(); }
  Status Write(EpochId, int, const Batch& batch) override {
    rows_ += static_cast<int64_t>(batch.num_rows);
    return Status::Ok();
  }
  Status CommitEpoch(EpochId) override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }
  std::string Describe() const override { return "blackhole (discards rows), exactly-once"; }

  /// Returns how many rows were written.
  int64_t rows() const { return rows_; }

 private:
  int64_t rows_ = 0;
};

}  // namespace sluice::connectors
