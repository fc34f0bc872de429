#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "runtime/bad_record_reporter.h"
#include "runtime/record_decoder.h"
#include "types/batch.h"

namespace sluice::connectors {

/// Why one record of a request was refused: its number (line of NDJSON, element of an array).
struct IngestRecordError {
  int64_t number = 0;
  std::string reason;
};

/// What Offer did with a request body.
struct IngestOutcome {
  enum class Kind {
    kQueued,      // records are in the buffer; wait for `ticket` to commit
    kRejected,    // bad records and nothing queued (or nothing good with 'http.partial')
    kBufferFull,  // the buffer has no room: retry later (backpressure)
    kClosed,      // no pipeline consumes the table any more
  };
  Kind kind = Kind::kQueued;
  int64_t accepted = 0;                   // records queued
  int64_t rejected = 0;                   // bad records
  std::vector<IngestRecordError> errors;  // the first kMaxListedErrors bad records
  std::string body_error;                 // the body as a whole was unreadable
  uint64_t ticket = 0;                    // 0: nothing to wait for

  static constexpr size_t kMaxListedErrors = 100;
  /// Returns the JSON answer: {"accepted":N,"rejected":M,"errors":[{"line":L,"reason":"..."}]}.
  std::string ToJson() const;
};

/// Makes decoders of the source's decoded schema; called on request threads.
using RecordDecoderFactory = std::function<Result<std::unique_ptr<runtime::RecordDecoder>>()>;

/// The buffer between HTTP requests and an 'http' source. Request threads Offer bodies (decoded
/// and validated on the calling thread, so a bad record is answered before anything is queued)
/// and wait until the epoch that consumed them commits; the pipeline thread takes chunks
/// (TakeNext), gets them back for replay (Retained) and marks what it delivered committed
/// (CommitDelivered), which wakes the waiters. Chunks stay in memory until committed. Thread-safe.
/// Lifecycle: created by the source, shared with the server through HttpIngestRegistry, Close()d
/// by the source; Offer after Close answers kClosed and waiters wake with false.
class HttpIngestQueue {
 public:
  struct Options {
    bool partial = false;              // 'http.partial': queue the good records of a bad body
    size_t max_body_bytes = 16 << 20;  // 'http.max-body-size'
    size_t buffer_rows = 1 << 20;      // 'http.buffer-rows': queued or uncommitted records at most
    size_t chunk_rows = 4096;          // rows per chunk ('execution.batch-size')
    int64_t retry_after_seconds = 1;   // 'http.retry-after'
    int64_t ack_timeout_ms = 30'000;   // 'http.ack-timeout': longest wait for the commit
  };

  /// One decoded chunk: its sequence number (1, 2, ... in the order taken) and rows.
  struct Chunk {
    uint64_t sequence = 0;
    BatchPtr batch;
  };

  HttpIngestQueue(std::string table, SchemaPtr schema, RecordDecoderFactory decoders,
                  Options options, runtime::BadRecordReporter* reporter);

  const std::string& table() const { return table_; }
  const Options& options() const { return options_; }

  /// Decodes `body` (NDJSON or a JSON array) and queues its records unless one is bad (then
  /// nothing, unless 'http.partial') or the buffer has no room for all of them. Bad records are
  /// also reported to the BadRecordReporter as "http:<table>#<request>:<number>".
  IngestOutcome Offer(std::string_view body);
  /// Blocks until the chunks up to `ticket` are part of a committed epoch (true), the queue is
  /// closed or `timeout` passes (false).
  bool WaitCommitted(uint64_t ticket, std::chrono::milliseconds timeout);

  /// Pipeline thread: moves the oldest queued chunk to the delivered (uncommitted) ones.
  std::optional<Chunk> TakeNext();
  /// Pipeline thread: returns the delivered, uncommitted chunk `sequence` again, if held.
  std::optional<Chunk> Retained(uint64_t sequence) const;
  /// Pipeline thread: marks every delivered chunk up to sequence `through` committed, frees it
  /// and wakes its waiters.
  void CommitDelivered(uint64_t through = UINT64_MAX);
  /// Refuses further bodies and wakes every waiter (their records are not acknowledged).
  void Close();

  /// Returns the records queued or delivered but not yet committed.
  size_t buffered_rows() const;

 private:
  struct Decoded;
  Decoded Decode(std::string_view body);
  std::unique_ptr<runtime::RecordDecoder> AcquireDecoder(Status* status);
  void ReleaseDecoder(std::unique_ptr<runtime::RecordDecoder> decoder);

  const std::string table_;
  const SchemaPtr schema_;
  const RecordDecoderFactory decoder_factory_;
  const Options options_;
  runtime::BadRecordReporter* const reporter_;

  mutable std::mutex mu_;
  std::condition_variable committed_cv_;
  std::vector<std::unique_ptr<runtime::RecordDecoder>> idle_decoders_;
  std::deque<Chunk> queued_;
  std::deque<Chunk> delivered_;
  uint64_t next_sequence_ = 1;
  uint64_t committed_ = 0;  // every chunk up to this sequence is committed
  uint64_t requests_ = 0;
  size_t buffered_rows_ = 0;
  bool closed_ = false;
};

}  // namespace sluice::connectors
