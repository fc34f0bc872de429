#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_client_config.h"
#include "runtime/record_decoder.h"
#include "runtime/sink_writer.h"

namespace sluice::connectors {

/// Writes rows to a Kafka topic, one message per row, with an idempotent producer. The value is
/// the row in the table's format; the key, when 'key.fields' is set, is those fields encoded
/// with the same format. CommitEpoch waits for every delivery report of the epoch
/// (rd_kafka_flush) and returns kUnavailable if any message failed.
///
/// Guarantee: at-least-once (a replayed epoch is written again), or exactly-once with
/// `transactional_id` set: one Kafka transaction per epoch, begun by the epoch's first Write and
/// committed by CommitEpoch, holding besides the rows one marker message (key `marker_key`,
/// value "<epoch> <count> <hash of the epoch's messages>") on partition 0 of `marker_topic`. Open
/// fences an older producer with the same transactional id (aborting its open transaction) and
/// reads the newest committed marker; when the first epoch written after Open is that epoch and
/// its messages hash the same (a replay of an epoch whose transaction committed before sluice's
/// commit record was written), it is not written again. Called from the pipeline thread only.
class KafkaSink : public runtime::SinkWriter {
 public:
  enum class Partitioner { kDefault, kFixed, kRoundRobin };

  struct Options {
    std::string topic;
    std::map<std::string, std::string> properties;  // librdkafka properties
    Partitioner partitioner = Partitioner::kDefault;
    std::vector<size_t> key_fields;  // indexes into the input row
    int64_t flush_timeout_ms = 60'000;
    std::string transactional_id;  // empty: at-least-once
    std::string marker_topic;      // exactly-once: where the epoch markers go
    std::string marker_key;        // exactly-once: this sink's marker key
    // Create `topic` at Open when missing ('topic.create.partitions', or the partition count of
    // 'topic.create.partitions-from'), and the marker topic (one partition) with exactly-once;
    // neither set: never created here.
    int create_partitions = 0;
    std::string create_partitions_from;
  };

  /// The newest epoch whose transaction committed, as its marker records it.
  struct EpochMarker {
    int64_t epoch = -1;
    int64_t count = 0;
    uint64_t hash = 0;
  };

  /// `value_encoder` encodes whole rows; `key_encoder` (may be null) encodes rows made of the
  /// key fields only.
  KafkaSink(Options options, std::unique_ptr<runtime::RecordEncoder> value_encoder,
            std::unique_ptr<runtime::RecordEncoder> key_encoder, SchemaPtr input_schema);
  ~KafkaSink() override;

  Status Open() override;
  Status Write(EpochId epoch, int block, const Batch& batch) override;
  Status CommitEpoch(EpochId epoch) override;
  Status Close() override;
  std::string Describe() const override;

  /// Returns how many messages were acknowledged by the broker so far.
  int64_t delivered() const { return delivered_.load(); }
  /// Returns the marker Open found (exactly-once; epoch -1: none).
  const EpochMarker& committed_marker() const { return committed_; }
  /// Returns how many replayed epochs were recognised as already committed and skipped.
  int64_t epochs_skipped() const { return epochs_skipped_; }

 private:
  static void DeliveryCallback(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  Status Produce(const std::string& topic, int32_t partition, const std::string& key,
                 const std::string& value);
  Status Flush(EpochId epoch);
  Status OpenTransactions();
  Result<EpochMarker> ReadMarker();
  Result<EpochMarker> ScanMarkers(rd_kafka_t* consumer, int64_t start);
  Status BeginEpoch(EpochId epoch);
  Status BeginTransaction();
  Status CommitTransaction(EpochId epoch);
  Status CheckTransaction(rd_kafka_error_t* error, const char* step);
  bool transactional() const { return !options_.transactional_id.empty(); }

  struct PendingMessage {
    int32_t partition;
    std::string key;
    std::string value;
  };

  Options options_;
  std::unique_ptr<runtime::RecordEncoder> value_encoder_;
  std::unique_ptr<runtime::RecordEncoder> key_encoder_;
  SchemaPtr input_schema_;
  SchemaPtr key_schema_;
  RdKafkaHandle producer_;
  int32_t partition_count_ = 1;
  int64_t next_partition_ = 0;
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> failed_{0};
  std::string first_failure_;  // written by the delivery callback, on the polling thread
  // Exactly-once only.
  EpochMarker committed_;    // read at Open
  bool first_epoch_ = true;  // no epoch written since Open
  bool verifying_ = false;   // the current epoch may repeat committed_: held back
  bool in_transaction_ = false;
  int64_t current_epoch_ = -1;        // the epoch being written, -1 between epochs
  int64_t epoch_count_ = 0;           // messages of the current epoch
  uint64_t epoch_hash_ = 0;           // their FNV-1a hash, keys and values
  std::vector<PendingMessage> held_;  // the current epoch's messages while verifying_
  int64_t epochs_skipped_ = 0;
};

}  // namespace sluice::connectors
