#include "runtime/read_ahead_reader.h"

#include <fmt/format.h>

#include <chrono>

#include "runtime/memory_footprint.h"

namespace sluice::runtime {

ReadAheadReader::ReadAheadReader(std::unique_ptr<SourceReader> reader, size_t depth)
    : reader_(std::move(reader)), depth_(depth == 0 ? 1 : depth) {}

ReadAheadReader::~ReadAheadReader() { Stop(); }

void ReadAheadReader::Start(size_t max_rows) {
  started_ = true;
  bytes_read_.store(reader_->bytes_read());
  thread_ = std::thread([this, max_rows] { ReadLoop(max_rows); });
}

void ReadAheadReader::ReadLoop(size_t max_rows) {
  std::vector<BadRecordReporter::Captured> captured;
  BadRecordReporter::CaptureOnThisThread(&captured);
  while (ReadOne(max_rows, &captured)) {
  }
  BadRecordReporter::CaptureOnThisThread(nullptr);
  std::lock_guard<std::mutex> lock(mu_);
  ended_ = true;
  ready_.notify_all();
}

bool ReadAheadReader::ReadOne(size_t max_rows, std::vector<BadRecordReporter::Captured>* captured) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [this] { return stop_ || queue_.size() < depth_; });
    if (stop_) return false;
    paused_ = false;
  }
  auto polled = reader_->Poll(max_rows);
  const bool finished = polled.ok() && reader_->Finished();
  bytes_read_.store(reader_->bytes_read());
  Item item;
  item.bad_records = std::move(*captured);
  captured->clear();
  if (!polled.ok()) {
    item.error = polled.status();
  } else if (polled->has_value()) {
    item.batch = std::move(**polled);
    if (item.batch->batch) item.bytes = MemoryFootprint::OfBatch(*item.batch->batch);
  }
  const bool has_batch = item.batch.has_value();
  const bool produced = has_batch || !item.error.ok() || !item.bad_records.empty();
  const bool fatal = !item.error.ok() && !item.error.retryable();
  std::unique_lock<std::mutex> lock(mu_);
  if (produced) {
    queued_bytes_ += item.bytes;
    queue_.push_back(std::move(item));
  }
  reader_finished_ = finished;
  if (finished || fatal) return false;
  if (!has_batch) {
    // Nothing to read now (or a retryable error): ask again shortly, as the pipeline would.
    paused_ = true;
    ready_.notify_all();
    space_.wait_for(lock, std::chrono::milliseconds(2), [this] { return stop_; });
    return !stop_;
  }
  ready_.notify_all();
  return true;
}

Result<std::optional<SourceBatch>> ReadAheadReader::Poll(size_t max_rows) {
  if (!started_) {
    if (reader_->Finished()) return std::optional<SourceBatch>();
    Start(max_rows);
  }
  Item item;
  {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait_for(lock, std::chrono::milliseconds(kWaitMillis),
                    [this] { return !queue_.empty() || paused_ || ended_; });
    if (queue_.empty()) return std::optional<SourceBatch>();
    item = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= item.bytes;
  }
  space_.notify_one();
  BadRecordReporter::ReportCaptured(item.bad_records);
  if (!item.error.ok()) return item.error;
  return std::move(item.batch);
}

Status ReadAheadReader::NotStarted(const char* call) const {
  if (!started_) return Status::Ok();
  return Status::Internal(fmt::format(
      "{} after reading ahead started: recovery seeks and replays before the first Poll", call));
}

Result<SourceBatch> ReadAheadReader::ReadUntil(SplitId split, const std::string& end_position) {
  RETURN_IF_ERROR(NotStarted("ReadUntil"));
  return reader_->ReadUntil(split, end_position);
}

Status ReadAheadReader::SeekTo(SplitId split, const std::string& position) {
  RETURN_IF_ERROR(NotStarted("SeekTo"));
  return reader_->SeekTo(split, position);
}

bool ReadAheadReader::Finished() const {
  if (!started_) return reader_->Finished();
  std::lock_guard<std::mutex> lock(mu_);
  return reader_finished_ && queue_.empty();
}

int64_t ReadAheadReader::bytes_read() const {
  return started_ ? bytes_read_.load() : reader_->bytes_read();
}

size_t ReadAheadReader::queued_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_bytes_;
}

void ReadAheadReader::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  space_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReadAheadReader::Close() {
  Stop();
  reader_->Close();
}

}  // namespace sluice::runtime
