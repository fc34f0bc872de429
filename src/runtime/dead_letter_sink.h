#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/connector_registry.h"
#include "runtime/sink_operator.h"

namespace sluice::runtime {

/// One dead letter: a record a source could not decode or convert, or a row a sink refused.
struct DeadLetter {
  std::string source;       // the table it was read from, or the sink that refused it
  std::string location;     // file:line, topic-partition@offset, sink block
  std::string error_class;  // decode, convert, missing-field, empty, rowtime, sink-rejected
  std::string message;
  std::string raw;      // the bytes; see DeadLetterSink::EscapeRaw
  int64_t time_ms = 0;  // processing time of the batch that saw it (the epoch log's)
};

/// The dead-letter table of a pipeline ('pipeline.dead-letter'): collects the dead letters of
/// each epoch and writes them, like any job's output, as numbered blocks of that epoch once the
/// epoch's log entry is durable and its jobs' sinks acknowledged it, so they are exactly-once
/// wherever the table's sink is, and a replayed epoch gives the same dead letters. Source bad
/// records (Add) belong to the epoch being read; rows a sink refused (AddRejected) to the sealed
/// epoch being written, which the pipeline may still be writing while it reads the next one.
/// Lifecycle: Create, Open, per epoch any number of Add, SealEpoch, any number of AddRejected,
/// then WriteEpoch or DiscardEpoch; Close. Add and AddRejected are thread-safe; the rest is called
/// from the pipeline thread.
class DeadLetterSink {
 public:
  /// Creates the sink writer of `table` (whose columns the planner checked against
  /// sql::DeadLetterTable::Schema()), writing with the identities of pipeline `pipeline_name`
  /// and run `run_id`.
  static Result<std::unique_ptr<DeadLetterSink>> Create(
      const sql::CatalogTablePtr& table, const ConnectorRegistry& connectors,
      const std::string& pipeline_name, const std::string& run_id,
      const std::map<std::string, std::string>& settings);

  Status Open() { return sink_->Open(); }
  /// Adds a source's dead letter to the epoch being read.
  void Add(DeadLetter letter);
  /// Ends the epoch being read: its dead letters are those added so far, then the rows its
  /// sinks refuse. `time_ms` (the processing time of the epoch's last logged batch) stamps them.
  void SealEpoch(int64_t time_ms);
  /// Adds a row refused by a sink writing the sealed epoch. Refused rows follow the sealed
  /// epoch's source dead letters grouped by sink name, so that sinks delivering concurrently
  /// give the same order in every run.
  void AddRejected(DeadLetter letter);
  /// Writes the sealed epoch's dead letters as its blocks and commits them in the table's sink.
  Status WriteEpoch(EpochId epoch);
  /// Drops every dead letter held (a replayed epoch already committed, or records re-read
  /// while seeking to a checkpoint's positions). Called with no epoch in flight.
  void DiscardEpoch();
  Status Close() { return sink_->Close(); }

  std::string Describe() const { return sink_->Describe(); }
  const std::string& table_name() const { return table_name_; }
  int64_t rows_written() const { return sink_->rows_written(); }

  /// Makes `letter->raw` a STRING value: bytes that are valid UTF-8 without NUL stay unchanged;
  /// otherwise every backslash becomes \\ and every NUL or byte outside a valid UTF-8 sequence
  /// becomes \xHH, and the message says so (kEscapedNote), so the bytes read back exactly.
  static void EscapeRaw(DeadLetter* letter);
  static constexpr const char* kEscapedNote =
      " [raw is not UTF-8: backslashes doubled, other bytes as \\xHH]";

 private:
  static constexpr size_t kRowsPerBlock = 1024;

  DeadLetterSink(std::string table_name, std::unique_ptr<SinkOperator> sink)
      : table_name_(std::move(table_name)), sink_(std::move(sink)) {}

  std::string table_name_;
  std::unique_ptr<SinkOperator> sink_;
  std::mutex mu_;
  std::vector<DeadLetter> pending_;  // the epoch being read; guarded by mu_
  std::vector<DeadLetter> sealed_;   // the sealed epoch's source dead letters; guarded by mu_
  std::map<std::string, std::vector<DeadLetter>> rejected_;  // its sinks' refusals; guarded by mu_
  int64_t sealed_time_ms_ = 0;                               // guarded by mu_
};

}  // namespace sluice::runtime
