#include "connectors/kafka/kafka_split_state_store.h"

#include <fmt/format.h>

#include "common/logging.h"
#include "connectors/kafka/kafka_latest_records.h"
#include "connectors/kafka/kafka_topic_creator.h"

namespace sluice::connectors {
namespace {

constexpr int kStateStoreTimeoutMs = 30000;

}  // namespace

Result<std::unique_ptr<KafkaSplitStateStore>> KafkaSplitStateStore::Create(
    const std::map<std::string, std::string>& properties, const std::string& topic) {
  ASSIGN_OR_RETURN(RdKafkaConf conf,
                   KafkaClientConfig::Build(properties, {{"linger.ms", "0"},
                                                         {"message.timeout.ms", "30000"},
                                                         {"enable.idempotence", "true"},
                                                         {"acks", "all"}}));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaSplitStateStore::OnDelivery);
  ASSIGN_OR_RETURN(RdKafkaHandle producer,
                   KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(conf)));
  Status created = KafkaTopicCreator::EnsureCompacted(producer.get(), topic);
  if (!created.ok()) {
    LogInfo("split state topic '{}': {}; create it compacted", topic, created.message());
  }
  return std::unique_ptr<KafkaSplitStateStore>(
      new KafkaSplitStateStore(properties, std::move(producer), topic));
}

KafkaSplitStateStore::~KafkaSplitStateStore() { rd_kafka_flush(producer_.get(), 2000); }

void KafkaSplitStateStore::OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message,
                                      void* /*opaque*/) {
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  auto* self = static_cast<KafkaSplitStateStore*>(message->_private);  // RD_KAFKA_V_OPAQUE
  ++self->failed_;
  self->error_ = rd_kafka_err2str(message->err);
}

Status KafkaSplitStateStore::Store(const std::map<std::string, Entry>& entries) {
  failed_ = 0;
  for (const auto& [key, entry] : entries) {
    std::string value = std::to_string(entry.offset) + "\n" + entry.state;
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_.get(), RD_KAFKA_V_TOPIC(topic_.c_str()),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(this), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable(fmt::format("split state topic '{}': cannot queue a record: {}",
                                             topic_, rd_kafka_err2str(err)));
    }
  }
  rd_kafka_resp_err_t flushed = rd_kafka_flush(producer_.get(), kStateStoreTimeoutMs);
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(fmt::format("split state topic '{}': not acknowledged: {}", topic_,
                                           rd_kafka_err2str(flushed)));
  }
  if (failed_ > 0) {
    return Status::Unavailable(fmt::format("split state topic '{}': {} record(s) not delivered: {}",
                                           topic_, failed_, error_));
  }
  return Status::Ok();
}

Result<std::map<std::string, KafkaSplitStateStore::Entry>> KafkaSplitStateStore::Load() {
  std::map<std::string, Entry> out;
  auto records = KafkaLatestRecords::Read(properties_, topic_, kStateStoreTimeoutMs);
  if (!records.ok()) {
    if (records.status().code() == StatusCode::kNotFound) return out;
    return records.status();
  }
  for (KafkaKeyedRecord& record : *records) {
    const size_t newline = record.value.find('\n');
    if (newline == std::string::npos) {
      return Status::DataError(
          fmt::format("split state topic '{}': record '{}' has no offset", topic_, record.key));
    }
    Entry& entry = out[record.key];
    entry.offset = std::stoll(record.value.substr(0, newline));
    entry.state = record.value.substr(newline + 1);
  }
  return out;
}

}  // namespace sluice::connectors
