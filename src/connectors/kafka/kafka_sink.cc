#include "connectors/kafka/kafka_sink.h"

#include <fmt/format.h>

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

Status KafkaSink::Open() {
  std::map<std::string, std::string> overrides = {{"enable.idempotence", "true"}};
  if (!options_.properties.count("partitioner")) {
    overrides["partitioner"] = "murmur2_random";  // the Java client's default partitioner
  }
  ASSIGN_OR_RETURN(RdKafkaConf conf, KafkaClientConfig::Build(options_.properties, overrides));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaSink::DeliveryCallback);
  rd_kafka_conf_set_opaque(conf.get(), this);
  ASSIGN_OR_RETURN(producer_, KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(conf)));
  if (options_.partitioner != Partitioner::kRoundRobin) return Status::Ok();
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
  return Status::Ok();
}

Status KafkaSink::Produce(int32_t partition, const std::string& key, const std::string& value) {
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_.get(), RD_KAFKA_V_TOPIC(options_.topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key.empty() ? nullptr : const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return Status::Unavailable(
          fmt::format("kafka topic '{}': {}", options_.topic, rd_kafka_err2str(err)));
    }
    rd_kafka_poll(producer_.get(), 100);  // the local queue is full: wait for deliveries
  }
}

Status KafkaSink::Write(EpochId, int, const Batch& batch) {
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
    value_encoder_->Encode(batch, row, &value);
    if (key_encoder_) key_encoder_->Encode(key_batch, row, &key);
    int32_t partition = RD_KAFKA_PARTITION_UA;
    if (options_.partitioner == Partitioner::kFixed) partition = 0;
    if (options_.partitioner == Partitioner::kRoundRobin) {
      partition = static_cast<int32_t>(next_partition_++ % partition_count_);
    }
    RETURN_IF_ERROR(Produce(partition, key, value));
  }
  rd_kafka_poll(producer_.get(), 0);
  return Status::Ok();
}

Status KafkaSink::CommitEpoch(EpochId epoch) {
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

Status KafkaSink::Close() {
  if (!producer_) return Status::Ok();
  rd_kafka_flush(producer_.get(), static_cast<int>(options_.flush_timeout_ms));
  producer_.reset();
  return Status::Ok();
}

std::string KafkaSink::Describe() const {
  return fmt::format("kafka topic '{}' ({} partition(s) known), at-least-once", options_.topic,
                     partition_count_);
}

}  // namespace sluice::connectors
