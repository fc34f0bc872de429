#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/bad_record_reporter.h"
#include "runtime/source_reader.h"

namespace sluice::runtime {

/// Reads and decodes a source on a thread of its own, ahead of the pipeline thread: the reader it
/// wraps (one whose SupportsReadAhead() is true) is polled there into a queue of at most `depth`
/// batches, and Poll hands them out in the order they were read, each with its split and end
/// position. Nothing else changes for the pipeline: it logs the positions of the batches it
/// consumed, and a batch read ahead but not consumed when the process stops is read again after
/// a restart.
///
/// The bad records the wrapped reader reports while reading a batch are captured with that batch
/// (BadRecordReporter::CaptureOnThisThread) and reported by the Poll that hands the batch out, on
/// the pipeline thread, stamped with the processing time it set: they join the dead letters of
/// the epoch that consumes the batch, as without read-ahead. An error of the wrapped Poll is
/// returned by the Poll after the batches read before it, unchanged; retryable ones are retried
/// by the thread after a pause, others end it.
///
/// Lifecycle and threading: the pipeline thread calls every method. Open, SeekTo and ReadUntil
/// (recovery, replay) go to the wrapped reader directly; the first Poll starts the thread, and
/// SeekTo or ReadUntil after it is an internal error. Finished is true once the wrapped reader
/// finished and every batch it read was handed out. Close (and the destructor) stops and joins
/// the thread, then closes the wrapped reader.
class ReadAheadReader : public SourceReader {
 public:
  static constexpr size_t kDefaultDepth = 3;

  explicit ReadAheadReader(std::unique_ptr<SourceReader> reader, size_t depth = kDefaultDepth);
  ~ReadAheadReader() override;

  Status Open() override { return reader_->Open(); }
  /// Returns the next batch read ahead. When none is queued and the thread is reading one, waits
  /// for it (at most kWaitMillis), so the pipeline does not sleep while input is on its way.
  Result<std::optional<SourceBatch>> Poll(size_t max_rows) override;
  Result<SourceBatch> ReadUntil(SplitId split, const std::string& end_position) override;
  Status SeekTo(SplitId split, const std::string& position) override;
  bool Finished() const override;
  size_t num_splits() const override { return reader_->num_splits(); }
  size_t total_splits() const override { return reader_->total_splits(); }
  std::string split_name(SplitId split) const override { return reader_->split_name(split); }
  Status CommitConsumed(const std::map<SplitId, std::string>& positions) override {
    return reader_->CommitConsumed(positions);
  }
  Result<std::vector<SplitId>> RecordIntents(const std::vector<SplitId>& splits) override {
    return reader_->RecordIntents(splits);
  }
  Status StoreSplitStates(const std::vector<std::pair<SplitId, std::string>>& states) override {
    return reader_->StoreSplitStates(states);
  }
  Result<std::map<SplitId, std::string>> LoadSplitStates(
      const std::vector<SplitId>& splits) override {
    return reader_->LoadSplitStates(splits);
  }
  int64_t split_generation(SplitId split) const override {
    return reader_->split_generation(split);
  }
  bool split_owned(SplitId split) const override { return reader_->split_owned(split); }
  int64_t split_backlog(SplitId split) const override { return reader_->split_backlog(split); }
  int64_t bytes_read() const override;
  void Close() override;

  /// Returns the bytes of the batches queued now (their columns' footprint).
  size_t queued_bytes() const;

  /// How long Poll waits for a batch the thread is reading.
  static constexpr int kWaitMillis = 20;

 private:
  /// What one Poll of the wrapped reader gave: a batch, or nothing, or an error; and the bad
  /// records reported meanwhile.
  struct Item {
    std::optional<SourceBatch> batch;
    Status error;
    std::vector<BadRecordReporter::Captured> bad_records;
    size_t bytes = 0;
  };

  void Start(size_t max_rows);
  void ReadLoop(size_t max_rows);
  /// Polls the wrapped reader once; returns false when the thread should end.
  bool ReadOne(size_t max_rows, std::vector<BadRecordReporter::Captured>* captured);
  void Stop();
  Status NotStarted(const char* call) const;

  std::unique_ptr<SourceReader> reader_;
  const size_t depth_;
  bool started_ = false;  // pipeline thread only
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable ready_;  // an item was queued, the thread paused or ended
  std::condition_variable space_;  // an item was taken, or stop_
  std::deque<Item> queue_;         // guarded by mu_, and the fields below
  size_t queued_bytes_ = 0;
  bool stop_ = false;
  bool paused_ = false;           // the wrapped reader had nothing; the thread waits a little
  bool ended_ = false;            // the thread ended: finished, a fatal error, or stopped
  bool reader_finished_ = false;  // the wrapped reader's Finished() after its last Poll
  std::atomic<int64_t> bytes_read_{-1};
};

}  // namespace sluice::runtime
