#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "runtime/record_decoder.h"
#include "runtime/sink_writer.h"

namespace sluice::connectors {

/// Appends rows to one file, one encoded record per line, creating parent directories. Rows are
/// buffered and written when the buffer is large and at CommitEpoch, which also flushes and
/// fsyncs. Replaying an epoch after a crash may write its rows again: at-least-once. Called from
/// the pipeline thread only.
class FilesystemSink : public runtime::SinkWriter {
 public:
  FilesystemSink(std::string path, std::string format,
                 std::unique_ptr<runtime::RecordEncoder> encoder);
  ~FilesystemSink() override;

  Status Open() override;
  Status Write(EpochId epoch, int block, const Batch& batch) override;
  Status CommitEpoch(EpochId epoch) override;
  Status Close() override;
  std::string Describe() const override;

 private:
  Status WriteBuffer();

  std::string path_;
  std::string format_;
  std::unique_ptr<runtime::RecordEncoder> encoder_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

}  // namespace sluice::connectors
