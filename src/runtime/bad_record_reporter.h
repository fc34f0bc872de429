#pragma once

#include <atomic>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/logging.h"
#include "types/batch.h"

namespace sluice::runtime {

class DeadLetterSink;
struct DeadLetter;

/// Receives every record a source could not decode and every row a sink refused: counts it,
/// logs it with rate limiting, appends it (raw bytes, where it came from, why) as one JSON line
/// to the dead-letter file when one is configured ('pipeline.dead-letter.path', written as it is
/// seen), and adds it to the dead-letter table when one is set ('pipeline.dead-letter', written
/// with the epoch that saw it). Nothing bad is dropped silently. Thread-safe.
///
/// A reader that runs ahead of the pipeline thread (ReadAheadReader) captures what it reports
/// instead: CaptureOnThisThread holds every Report made on that thread, and the pipeline thread
/// reports the records with ReportCaptured when it consumes the batch they belong to, so they are
/// stamped and written with that batch's epoch.
class BadRecordReporter {
 public:
  /// A bad record held back by CaptureOnThisThread: the reporter it was meant for and its fields.
  struct Captured {
    BadRecordReporter* reporter;
    std::string table;
    std::string location;
    std::string raw;
    std::string reason;
  };

  /// `dead_letter_path` may be empty (no dead-letter file).
  explicit BadRecordReporter(std::string dead_letter_path = "");

  /// Reports a bad record of table `table` at `location` (e.g. "orders.json:17" or
  /// "topic-2@1041") with `reason`; its error class is ErrorClass(raw, reason).
  void Report(std::string_view table, std::string_view location, std::string_view raw,
              std::string_view reason);

  /// Returns true when a sink should hand the rows it cannot write (non-retryably) to
  /// ReportRejectedRows instead of failing: a dead-letter table is set.
  bool routes_rejected_rows() const { return dead_letters_ != nullptr; }
  /// Reports every row of `rows` as refused by sink `sink` (error class sink-rejected) with the
  /// sink's `message`; each row's raw text is a JSON object of its columns, its location
  /// "<location> row <i>".
  void ReportRejectedRows(std::string_view sink, std::string_view location, const Batch& rows,
                          std::string_view message);

  /// Sends bad records to `sink` too (null: none). Call before any Report; `sink` must outlive
  /// the reporter's use.
  void set_dead_letters(DeadLetterSink* sink) { dead_letters_ = sink; }
  /// Sets the processing time stamped on dead letters from now on: the time the epoch log
  /// records for the batch being read, so a replay stamps the same.
  void set_processing_time_ms(int64_t ms) { processing_time_ms_.store(ms); }

  int64_t count() const;

  /// Makes every Report made on the calling thread, to any reporter, append to `*into` instead of
  /// reporting; null reports again. `into` must outlive its use.
  static void CaptureOnThisThread(std::vector<Captured>* into);
  /// Reports each of `records` to the reporter it was captured for, in order.
  static void ReportCaptured(const std::vector<Captured>& records);

  /// Returns the error class of a source record refused with `reason`: empty, decode (not the
  /// format at all), convert (a value of the wrong type), missing-field, rowtime (NULL rowtime),
  /// record-too-large (over the source's 'scan.record.max-bytes', never decoded).
  static std::string ErrorClass(std::string_view raw, std::string_view reason);

 private:
  DeadLetter NewDeadLetter(std::string_view source, std::string location, std::string error_class,
                           std::string_view message, std::string raw) const;

  mutable std::mutex mutex_;
  std::string dead_letter_path_;
  std::unique_ptr<std::ofstream> dead_letter_;
  RateLimitedLog log_{20, 10'000};
  int64_t count_ = 0;
  DeadLetterSink* dead_letters_ = nullptr;
  std::atomic<int64_t> processing_time_ms_{0};
};

}  // namespace sluice::runtime
