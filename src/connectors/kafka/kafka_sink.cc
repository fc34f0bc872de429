#include "connectors/kafka/kafka_sink.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string_view>

#include "common/crash_point.h"
#include "common/logging.h"
#include "connectors/kafka/kafka_topic_creator.h"

namespace sluice::connectors {

KafkaSink::KafkaSink(Options options, std::unique_ptr<runtime::RecordEncoder> value_encoder,
                     std::unique_ptr<runtime::RecordEncoder> key_encoder, SchemaPtr input_schema)
    : options_(std::move(options)),
      value_encoder_(std::move(value_encoder)),
      key_encoder_(std::move(key_encoder)),
      input_schema_(std::move(input_schema)) {
  auto key_schema = std::make_shared<Schema>();
  for (size_t k : options_.key_fields) key_schema->Add(input_schema_->field(k));
  key_schema_ = key_schema;
}

KafkaSink::~KafkaSink() { (void)Close(); }

void KafkaSink::DeliveryCallback(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* sink = static_cast<KafkaSink*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    sink->delivered_.fetch_add(1);
    return;
  }
  if (sink->failed_.fetch_add(1) == 0) sink->first_failure_ = rd_kafka_err2str(message->err);
}

namespace {

constexpr int kTransactionTimeoutMs = 60'000;
constexpr int64_t kMarkerTail = 256;  // markers read first, from the end of the marker partition

void HashBytes(uint64_t* hash, std::string_view bytes) {
  uint64_t size = bytes.size();
  for (int i = 0; i < 8; ++i) {
    *hash = (*hash ^ ((size >> (8 * i)) & 0xff)) * 1099511628211ULL;
  }
  for (unsigned char c : bytes) *hash = (*hash ^ c) * 1099511628211ULL;
}

}  // namespace

Status KafkaSink::Open() {
  std::map<std::string, std::string> overrides = {{"enable.idempotence", "true"}};
  if (!options_.properties.count("partitioner")) {
    overrides["partitioner"] = "murmur2_random";  // the Java client's default partitioner
  }
  if (transactional()) {
    overrides["transactional.id"] = options_.transactional_id;
    if (!options_.properties.count("transaction.timeout.ms")) {
      overrides["transaction.timeout.ms"] = std::to_string(kTransactionTimeoutMs);
    }
  }
  ASSIGN_OR_RETURN(
      RdKafkaConf conf,
      KafkaClientConfig::Build(KafkaClientConfig::WithoutConsumerProperties(options_.properties),
                               overrides));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaSink::DeliveryCallback);
  rd_kafka_conf_set_opaque(conf.get(), this);
  ASSIGN_OR_RETURN(producer_, KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(conf)));
  if (options_.create_partitions > 0 || !options_.create_partitions_from.empty()) {
    RETURN_IF_ERROR(KafkaTopicCreator::Ensure(producer_.get(), options_.topic,
                                              options_.create_partitions,
                                              options_.create_partitions_from));
    if (transactional()) {
      RETURN_IF_ERROR(KafkaTopicCreator::Ensure(producer_.get(), options_.marker_topic, 1, ""));
    }
  }
  if (transactional()) RETURN_IF_ERROR(OpenTransactions());
  if (options_.partitioner == Partitioner::kRoundRobin) {
    // Round robin needs the partition count.
    rd_kafka_topic_t* topic = rd_kafka_topic_new(producer_.get(), options_.topic.c_str(), nullptr);
    const rd_kafka_metadata_t* metadata = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(producer_.get(), 0, topic, &metadata, 10'000);
    rd_kafka_topic_destroy(topic);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable(fmt::format("kafka topic '{}': cannot read metadata: {}",
                                             options_.topic, rd_kafka_err2str(err)));
    }
    if (metadata->topic_cnt == 1 && metadata->topics[0].partition_cnt > 0) {
      partition_count_ = metadata->topics[0].partition_cnt;
    }
    rd_kafka_metadata_destroy(metadata);
  }
  return Status::Ok();
}

Status KafkaSink::CheckTransaction(rd_kafka_error_t* error, const char* step) {
  if (error == nullptr) return Status::Ok();
  std::string message =
      fmt::format("kafka topic '{}': transactional id '{}': {}: {}", options_.topic,
                  options_.transactional_id, step, rd_kafka_error_string(error));
  const bool fatal = rd_kafka_error_is_fatal(error);
  const bool abort = rd_kafka_error_txn_requires_abort(error);
  rd_kafka_error_destroy(error);
  if (abort && in_transaction_) {
    rd_kafka_error_t* aborted = rd_kafka_abort_transaction(producer_.get(), kTransactionTimeoutMs);
    if (aborted != nullptr) rd_kafka_error_destroy(aborted);
    in_transaction_ = false;
  }
  if (fatal) {
    return Status::Internal(message + " (fatal: another process with this transactional id?)");
  }
  return Status::Unavailable(message);
}

Status KafkaSink::OpenTransactions() {
  // Fences an older producer with this transactional id and aborts its open transaction.
  RETURN_IF_ERROR(CheckTransaction(
      rd_kafka_init_transactions(producer_.get(), kTransactionTimeoutMs), "init transactions"));
  ASSIGN_OR_RETURN(committed_, ReadMarker());
  if (committed_.epoch >= 0) {
    LogInfo("kafka sink: topic '{}': epoch {} is the last committed in kafka ({} message(s))",
            options_.topic, committed_.epoch, committed_.count);
  }
  return Status::Ok();
}

Result<KafkaSink::EpochMarker> KafkaSink::ReadMarker() {
  ASSIGN_OR_RETURN(
      RdKafkaConf conf,
      KafkaClientConfig::Build(options_.properties, {{"group.id", options_.transactional_id},
                                                     {"enable.auto.commit", "false"},
                                                     {"isolation.level", "read_committed"},
                                                     {"enable.partition.eof", "true"},
                                                     {"auto.offset.reset", "earliest"}}));
  ASSIGN_OR_RETURN(RdKafkaHandle consumer,
                   KafkaClientConfig::CreateClient(RD_KAFKA_CONSUMER, std::move(conf)));
  int64_t low = 0, high = 0;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      consumer.get(), options_.marker_topic.c_str(), 0, &low, &high, 10'000);
  if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || (err == 0 && high <= low)) {
    return EpochMarker{};  // no transaction committed yet
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(
        fmt::format("kafka marker topic '{}': {}", options_.marker_topic, rd_kafka_err2str(err)));
  }
  EpochMarker marker;
  for (int64_t start : {std::max(low, high - kMarkerTail), low}) {
    ASSIGN_OR_RETURN(marker, ScanMarkers(consumer.get(), start));
    if (marker.epoch >= 0 || start == low) break;
  }
  rd_kafka_consumer_close(consumer.get());
  return marker;
}

Result<KafkaSink::EpochMarker> KafkaSink::ScanMarkers(rd_kafka_t* consumer, int64_t start) {
  RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), options_.marker_topic.c_str(), 0)->offset = start;
  rd_kafka_assign(consumer, list.get());
  EpochMarker marker;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (m == nullptr) continue;
    const rd_kafka_resp_err_t err = m->err;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && m->key_len == options_.marker_key.size() &&
        std::string_view(static_cast<const char*>(m->key), m->key_len) == options_.marker_key) {
      std::string value(static_cast<const char*>(m->payload), m->len);
      unsigned long long hash = 0;
      long long epoch = -1, count = 0;
      if (std::sscanf(value.c_str(), "%lld %lld %llx", &epoch, &count, &hash) == 3) {
        marker = EpochMarker{epoch, count, hash};
      }
    }
    std::string error = err ? rd_kafka_message_errstr(m) : "";
    rd_kafka_message_destroy(m);
    if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      rd_kafka_assign(consumer, nullptr);
      return marker;
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable(
          fmt::format("kafka marker topic '{}': {}", options_.marker_topic, error));
    }
  }
  return Status::Unavailable(fmt::format("kafka marker topic '{}': not read to its end within 30 s",
                                         options_.marker_topic));
}

Status KafkaSink::Produce(const std::string& topic, int32_t partition, const std::string& key,
                          const std::string& value) {
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key.empty() ? nullptr : const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return Status::Unavailable(fmt::format("kafka topic '{}': {}", topic, rd_kafka_err2str(err)));
    }
    rd_kafka_poll(producer_.get(), 100);  // the local queue is full: wait for deliveries
  }
}

Status KafkaSink::BeginEpoch(EpochId epoch) {
  current_epoch_ = epoch.value();
  epoch_count_ = 0;
  epoch_hash_ = 14695981039346656037ULL;
  held_.clear();
  // Only the first epoch written after Open can repeat the committed one: epochs are written in
  // order and sluice's commit record of an epoch precedes the next epoch's writes.
  verifying_ = first_epoch_ && epoch.value() == committed_.epoch;
  first_epoch_ = false;
  if (verifying_) return Status::Ok();
  return BeginTransaction();
}

Status KafkaSink::BeginTransaction() {
  RETURN_IF_ERROR(
      CheckTransaction(rd_kafka_begin_transaction(producer_.get()), "begin transaction"));
  in_transaction_ = true;
  return Status::Ok();
}

Status KafkaSink::Write(EpochId epoch, int, const Batch& batch) {
  if (batch.num_rows == 0) return Status::Ok();
  if (transactional() && epoch.value() != current_epoch_) RETURN_IF_ERROR(BeginEpoch(epoch));
  std::string key, value;
  Batch key_batch;
  if (key_encoder_) {
    key_batch.schema = key_schema_;
    key_batch.num_rows = batch.num_rows;
    for (size_t k : options_.key_fields) key_batch.columns.push_back(batch.columns[k]);
  }
  for (size_t row = 0; row < batch.num_rows; ++row) {
    value.clear();
    key.clear();
    RETURN_IF_ERROR(value_encoder_->Encode(batch, row, &value));
    if (key_encoder_) RETURN_IF_ERROR(key_encoder_->Encode(key_batch, row, &key));
    int32_t partition = RD_KAFKA_PARTITION_UA;
    if (options_.partitioner == Partitioner::kFixed) partition = 0;
    if (options_.partitioner == Partitioner::kRoundRobin) {
      partition = static_cast<int32_t>(next_partition_++ % partition_count_);
    }
    if (transactional()) {
      ++epoch_count_;
      HashBytes(&epoch_hash_, key);
      HashBytes(&epoch_hash_, value);
      if (verifying_) {
        held_.push_back({partition, key, value});
        continue;
      }
    }
    RETURN_IF_ERROR(Produce(options_.topic, partition, key, value));
  }
  rd_kafka_poll(producer_.get(), 0);
  return Status::Ok();
}

Status KafkaSink::Flush(EpochId epoch) {
  rd_kafka_resp_err_t err =
      rd_kafka_flush(producer_.get(), static_cast<int>(options_.flush_timeout_ms));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(fmt::format("kafka topic '{}': epoch {}: {} message(s) undelivered",
                                           options_.topic, epoch.value(),
                                           rd_kafka_outq_len(producer_.get())));
  }
  int64_t failed = failed_.exchange(0);
  if (failed > 0) {
    return Status::Unavailable(fmt::format("kafka topic '{}': epoch {}: {} message(s) failed: {}",
                                           options_.topic, epoch.value(), failed, first_failure_));
  }
  return Status::Ok();
}

Status KafkaSink::CommitEpoch(EpochId epoch) {
  if (!transactional()) return Flush(epoch);
  if (epoch.value() != current_epoch_) return Status::Ok();  // nothing written in this epoch
  current_epoch_ = -1;
  if (verifying_) {
    verifying_ = false;
    if (epoch_count_ == committed_.count && epoch_hash_ == committed_.hash) {
      ++epochs_skipped_;
      LogInfo(
          "kafka sink: topic '{}': epoch {} was committed in kafka before the crash; not "
          "written again",
          options_.topic, epoch.value());
      held_.clear();
      return Status::Ok();
    }
    RETURN_IF_ERROR(BeginTransaction());
    for (const auto& m : held_)
      RETURN_IF_ERROR(Produce(options_.topic, m.partition, m.key, m.value));
    held_.clear();
  }
  return CommitTransaction(epoch);
}

Status KafkaSink::CommitTransaction(EpochId epoch) {
  // The rows are delivered before the marker is sent, so that a broker without transaction
  // markers (the development broker) never shows a marker without its epoch's rows.
  Status flushed = Flush(epoch);
  if (!flushed.ok()) {
    RETURN_IF_ERROR(CheckTransaction(
        rd_kafka_abort_transaction(producer_.get(), kTransactionTimeoutMs), "abort transaction"));
    in_transaction_ = false;
    return flushed;
  }
  const std::string marker = fmt::format("{} {} {:x}", epoch.value(), epoch_count_, epoch_hash_);
  RETURN_IF_ERROR(Produce(options_.marker_topic, 0, options_.marker_key, marker));
  RETURN_IF_ERROR(CheckTransaction(
      rd_kafka_commit_transaction(producer_.get(), kTransactionTimeoutMs), "commit transaction"));
  in_transaction_ = false;
  // A kill here leaves the epoch committed in Kafka without sluice's commit record.
  CrashPoint("kafka-transaction-committed");
  return Status::Ok();
}

Status KafkaSink::Close() {
  if (!producer_) return Status::Ok();
  if (in_transaction_) {
    rd_kafka_error_t* error = rd_kafka_abort_transaction(producer_.get(), kTransactionTimeoutMs);
    if (error != nullptr) rd_kafka_error_destroy(error);
    in_transaction_ = false;
  }
  rd_kafka_flush(producer_.get(), static_cast<int>(options_.flush_timeout_ms));
  producer_.reset();
  return Status::Ok();
}

std::string KafkaSink::Describe() const {
  std::string guarantee = "at-least-once";
  if (transactional()) {
    guarantee = fmt::format(
        "exactly-once for read_committed consumers (transactional id '{}', one transaction per "
        "epoch, epoch markers in topic '{}' key '{}')",
        options_.transactional_id, options_.marker_topic, options_.marker_key);
  }
  return fmt::format("kafka topic '{}' ({} partition(s) known), {}", options_.topic,
                     partition_count_, guarantee);
}

}  // namespace sluice::connectors
