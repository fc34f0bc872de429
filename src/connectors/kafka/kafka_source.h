#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "connectors/kafka/kafka_client_config.h"
#include "connectors/kafka/kafka_split_state_store.h"
#include "runtime/bad_record_reporter.h"
#include "runtime/record_decoder.h"
#include "runtime/source_reader.h"

namespace sluice::connectors {

/// Reads Kafka topics as a member of a consumer group (librdkafka's KafkaConsumer). Each
/// assigned topic-partition is a split; its id is stable for the reader's lifetime and
/// num_splits grows as partitions appear. Poll returns a batch from one partition (round robin
/// over partitions with messages waiting), except that after an assignment added splits the
/// next Poll returns an empty batch of the highest split (so the runtime knows them all); its
/// position is "<topic>:<partition>:<first>:<next>"
/// (first offset of the batch, offset after its last), so ReadUntil re-reads exactly that range
/// with a separate assign-only consumer, also in a fresh process. Offsets are never committed
/// automatically: CommitConsumed commits an epoch's end positions, after the epoch is durable.
/// Bad messages go to the BadRecordReporter as "<topic>-<partition>@<offset>".
/// Unbounded. Single-threaded, like every reader (librdkafka runs its own threads inside).
class KafkaSource : public runtime::SourceReader {
 public:
  enum class StartupMode { kEarliest, kLatest, kGroupOffsets, kTimestamp, kSpecificOffsets };
  // kKeyField: a physical column read from the message key ('key.fields' with
  // 'value.fields-include' = 'EXCEPT_KEY'), not a metadata key a table can name.
  enum class MetadataKey { kTopic, kPartition, kOffset, kTimestamp, kKey, kHeaders, kKeyField };

  /// A metadata column of the output: its index in the output schema and what it holds.
  struct MetadataColumn {
    size_t index;
    MetadataKey key;
    size_t key_field = 0;  // kKeyField: the field of the key format's schema
  };

  /// How the message key is decoded into the kKeyField columns ('key.format').
  struct KeyFormat {
    SchemaPtr schema;  // the key fields, in 'key.fields' order; null: no key format
    std::unique_ptr<runtime::RecordDecoder> decoder;  // null for 'raw'
  };

  struct Options {
    std::vector<std::string> topics;
    std::map<std::string, std::string> properties;  // librdkafka properties
    StartupMode startup = StartupMode::kGroupOffsets;
    int64_t startup_timestamp_ms = 0;
    std::map<int32_t, int64_t> specific_offsets;  // partition -> offset
    bool raw_format = false;                      // the value is the single physical column
    bool skip_tombstones = false;                 // a changelog format: null values mean nothing
    int64_t record_max_bytes = 0;  // 'scan.record.max-bytes': larger messages are bad records
  };

  /// Parses the table options (topic, properties.*, scan.startup.*, scan.record.max-bytes);
  /// errors name the option.
  static Result<Options> ParseOptions(const std::map<std::string, std::string>& table_options);
  /// Returns the metadata key named `name` ('topic', 'partition', 'offset', 'timestamp', 'key',
  /// 'headers': a STRING holding a JSON object of the headers, values as JSON strings or null).
  static Result<MetadataKey> ParseMetadataKey(const std::string& name);

  /// `decoder` fills rows of `schema` minus the `metadata` columns (null for the raw format);
  /// `reporter` may be null.
  KafkaSource(std::string table_name, Options options, SchemaPtr schema,
              std::unique_ptr<runtime::RecordDecoder> decoder, std::vector<MetadataColumn> metadata,
              runtime::BadRecordReporter* reporter, KeyFormat key_format = {});
  ~KafkaSource() override;

  Status Open() override;
  Result<std::optional<runtime::SourceBatch>> Poll(size_t max_rows) override;
  Result<runtime::SourceBatch> ReadUntil(SplitId split, const std::string& end_position) override;
  /// Makes the partition of `position` start after it when the group assigns it, whatever the
  /// group's committed offset (the state directory's positions win); registers the split under
  /// its logged id.
  Status SeekTo(SplitId split, const std::string& position) override;
  bool Finished() const override { return false; }
  size_t num_splits() const override { return splits_.size(); }
  /// Returns the partition count of the table's topic (read at Open), 0 with several topics or a
  /// pattern.
  size_t total_splits() const override { return total_splits_; }
  /// Returns the partition's high watermark (cached from fetches) minus the position.
  int64_t split_backlog(SplitId split) const override;
  int64_t bytes_read() const override { return bytes_read_; }
  std::string split_name(SplitId split) const override;
  /// Returns whether the group assigns the split's partition to this member now.
  bool split_owned(SplitId split) const override;
  /// Commits, for every split of `splits` that delivered messages in this epoch and is still
  /// assigned, the offset the epoch's range starts at with the metadata "sluice-intent:<end>"
  /// (offset after the range's last message). Returns those committed.
  Result<std::vector<SplitId>> RecordIntents(const std::vector<SplitId>& splits) override;
  int64_t split_generation(SplitId split) const override;
  /// Writes each split's state to the keyed topic "<topic>.state" (KafkaSplitStateStore), keyed
  /// by topic and partition, at the split's delivered offset, and waits for the acknowledgement.
  Status StoreSplitStates(const std::vector<std::pair<SplitId, std::string>>& states) override;
  /// Reads "<topic>.state" to its end; returns the latest state of each of `splits` stored.
  Result<std::map<SplitId, std::string>> LoadSplitStates(
      const std::vector<SplitId>& splits) override;
  /// Commits, synchronously, each position of `positions` (the offset after the epoch's last
  /// message of the partition) of the partitions still assigned to the consumer group. Returns
  /// kUnavailable when the broker refused.
  Status CommitConsumed(const std::map<SplitId, std::string>& positions) override;
  void Close() override;

  /// Returns how many bad messages this source met.
  int64_t bad_records() const { return bad_records_; }

 private:
  struct MessageDeleter {
    void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
  };
  using Message = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

  struct Split {
    std::string topic;
    int32_t partition = -1;
    bool assigned = false;
    int64_t delivered = -1;  // offset after the last delivered message
    int64_t committed = -1;
    // Timestamp start-up: messages timestamped before this are skipped until the first one at or
    // after it (-1: no skipping).
    int64_t skip_before_ms = -1;
    std::deque<Message> pending;
    int64_t generation = 0;    // assignments of the partition to this member
    int64_t epoch_first = -1;  // offset of the first message delivered this epoch (-1: none)
    // A range the group's intent metadata names ("<topic>:<partition>:<first>:<next>"): read
    // first, as one batch, when the partition is taken over.
    std::string intent;
    bool fenced = false;  // the intent's range was delivered: nothing more until the epoch ends
  };

  static void RebalanceCallback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* partitions, void* opaque);
  void OnRebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  void SetStartOffsets(rd_kafka_topic_partition_list_t* partitions);
  /// Reads the group's committed offsets of `indexes` (into `partitions`); those whose metadata
  /// holds an intent start after it (the intent's range is read first, by Poll) and are removed
  /// from `indexes`.
  void TakeOverIntents(rd_kafka_topic_partition_list_t* partitions, std::vector<int>* indexes);
  /// Returns the intent batch of a split that has one, if any.
  Result<std::optional<runtime::SourceBatch>> PollIntent();
  /// Returns those of `indexes` (into `partitions`) for which the group holds no committed offset.
  std::vector<int> WithoutGroupOffsets(rd_kafka_topic_partition_list_t* partitions,
                                       const std::vector<int>& indexes);
  /// Sets the start offsets of `indexes` (into `partitions`) by 'scan.startup.mode'.
  void ApplyStartupMode(rd_kafka_topic_partition_list_t* partitions,
                        const std::vector<int>& indexes);
  void StartAtTimestamp(rd_kafka_topic_partition_list_t* partitions,
                        const std::vector<int>& indexes);
  size_t SplitFor(const std::string& topic, int32_t partition);
  // Returns the split of (topic, partition), registering it under id `split` when this reader
  // has not seen it; kDataError when it is known under another id.
  Result<size_t> LearnSplit(SplitId split, const std::string& topic, int32_t partition,
                            const std::string& position);
  // Returns whether `m` precedes the start-up timestamp of `split` (and ends skipping otherwise).
  static bool SkipBeforeStartup(Split& split, const rd_kafka_message_t* m);
  // Moves messages from the consumer into the splits' pending queues.
  Status Drain(size_t limit);
  // Decodes `messages` of split `split` into a batch positioned after the last of them.
  runtime::SourceBatch Decode(size_t split, const std::vector<const rd_kafka_message_t*>& messages);
  // Returns a record-too-large data error for a message over 'scan.record.max-bytes'.
  Status CheckRecordSize(const rd_kafka_message_t* m) const;
  // Returns a batch without rows for split `split`, positioned at "<topic>:<partition>:0:0".
  runtime::SourceBatch EmptyBatch(size_t split);
  // Decodes the key of `m` into `keys`; returns the row (SIZE_MAX for a message without key).
  Result<size_t> DecodeKey(const rd_kafka_message_t* m, runtime::BatchBuilder* keys);
  // Appends the headers of `m` to `out` as a JSON object, e.g. {"trace":"abc","empty":null}.
  static void AppendHeadersJson(const rd_kafka_message_t* m, std::string* out);
  Result<RdKafkaHandle> CreateConsumer(bool group_member);
  // Returns the split state store, connecting at the first call.
  Result<KafkaSplitStateStore*> StateStore();
  // Returns the state store's key of split `split`: "<topic>:<partition>".
  std::string StateKey(const Split& split) const;

  std::string table_name_;
  Options options_;
  SchemaPtr schema_;
  SchemaPtr physical_schema_;
  std::unique_ptr<runtime::RecordDecoder> decoder_;
  std::vector<MetadataColumn> metadata_;
  size_t total_splits_ = 0;
  KeyFormat key_format_;
  runtime::BadRecordReporter* reporter_;
  RdKafkaHandle consumer_;                             // the group member
  RdKafkaHandle replay_consumer_;                      // assign-only, for ReadUntil
  std::unique_ptr<KafkaSplitStateStore> state_store_;  // made by the first Store/LoadSplitStates
  bool subscribed_ = false;
  bool first_assignment_done_ = false;
  Status async_error_;        // an error met in the rebalance callback
  std::deque<Split> splits_;  // a deque: Split is move-only and must not relocate
  std::map<std::pair<std::string, int32_t>, size_t> split_index_;
  size_t pending_total_ = 0;
  size_t next_split_ = 0;
  size_t announced_splits_ = 0;  // splits made known to the runtime by an empty batch
  int64_t bad_records_ = 0;
  int64_t bytes_read_ = 0;  // message values decoded
};

}  // namespace sluice::connectors
