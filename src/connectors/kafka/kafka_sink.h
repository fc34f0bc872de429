#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
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
/// (rd_kafka_flush) and returns kUnavailable if any message failed. Guarantee: at-least-once (a
/// replayed epoch is written again). Called from the pipeline thread only.
class KafkaSink : public runtime::SinkWriter {
 public:
  enum class Partitioner { kDefault, kFixed, kRoundRobin };

  struct Options {
    std::string topic;
    std::map<std::string, std::string> properties;  // librdkafka properties
    Partitioner partitioner = Partitioner::kDefault;
    std::vector<size_t> key_fields;  // indexes into the input row
    int64_t flush_timeout_ms = 60'000;
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

 private:
  static void DeliveryCallback(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  Status Produce(int32_t partition, const std::string& key, const std::string& value);

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
};

}  // namespace sluice::connectors
