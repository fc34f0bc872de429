#include "connectors/kafka/kafka_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "common/byte_size.h"
#include "common/json_string.h"
#include "common/logging.h"
#include "connectors/formats/text_value_parser.h"
#include "connectors/kafka/kafka_topic_creator.h"

namespace sluice::connectors {
namespace {

using runtime::SourceBatch;

std::vector<std::string> SplitOption(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

Result<int64_t> ParseInteger(const std::string& text, const std::string& what) {
  auto v = ParseIntegerText(text);
  if (!v) return Status::InvalidArgument(fmt::format("{}: '{}' is not an integer", what, text));
  return *v;
}

// Parses Flink's 'partition:0,offset:42;partition:1,offset:300'.
Result<std::map<int32_t, int64_t>> ParseSpecificOffsets(const std::string& text) {
  std::map<int32_t, int64_t> out;
  const std::string what = "option 'scan.startup.specific-offsets'";
  for (const auto& entry : SplitOption(text, ';')) {
    auto parts = SplitOption(entry, ',');
    if (parts.size() != 2 || parts[0].rfind("partition:", 0) != 0 ||
        parts[1].rfind("offset:", 0) != 0) {
      return Status::InvalidArgument(fmt::format(
          "{}: '{}' is not 'partition:<p>,offset:<o>' (entries separated by ';')", what, entry));
    }
    ASSIGN_OR_RETURN(int64_t p, ParseInteger(parts[0].substr(10), what));
    ASSIGN_OR_RETURN(int64_t o, ParseInteger(parts[1].substr(7), what));
    out[static_cast<int32_t>(p)] = o;
  }
  return out;
}

struct Position {
  std::string topic;
  int32_t partition = 0;
  int64_t first = 0;
  int64_t next = 0;
};

Result<Position> ParsePosition(const std::string& text) {
  // <topic>:<partition>:<first>:<next>; topic names cannot hold ':'.
  auto parts = SplitOption(text, ':');
  auto bad = [&] { return Status::DataError(fmt::format("'{}' is not a kafka position", text)); };
  if (parts.size() != 4) return bad();
  auto p = ParseIntegerText(parts[1]);
  auto f = ParseIntegerText(parts[2]);
  auto n = ParseIntegerText(parts[3]);
  if (!p || !f || !n || *f > *n) return bad();
  return Position{parts[0], static_cast<int32_t>(*p), *f, *n};
}

}  // namespace

Result<KafkaSource::Options> KafkaSource::ParseOptions(
    const std::map<std::string, std::string>& table_options) {
  auto get = [&](const std::string& key) {
    auto it = table_options.find(key);
    return it == table_options.end() ? std::string() : it->second;
  };
  Options o;
  o.topics = SplitOption(get("topic"), ';');
  const std::string pattern = get("topic-pattern");
  if (!pattern.empty() && !o.topics.empty()) {
    return Status::InvalidArgument("connector 'kafka': set 'topic' or 'topic-pattern', not both");
  }
  // librdkafka reads a subscription starting with '^' as a regular expression; Flink matches
  // the whole topic name.
  if (!pattern.empty()) o.topics = {"^(" + pattern + ")$"};
  if (o.topics.empty()) {
    return Status::InvalidArgument(
        "connector 'kafka' needs option 'topic' (topics separated by ';') or 'topic-pattern'");
  }
  o.properties = KafkaClientConfig::Properties(table_options);
  if (o.properties["bootstrap.servers"].empty()) {
    return Status::InvalidArgument("connector 'kafka' needs option 'properties.bootstrap.servers'");
  }
  if (o.properties["group.id"].empty()) o.properties["group.id"] = "sluice";
  std::string mode = get("scan.startup.mode");
  if (mode.empty() || mode == "group-offsets") {
    o.startup = StartupMode::kGroupOffsets;
  } else if (mode == "earliest-offset") {
    o.startup = StartupMode::kEarliest;
  } else if (mode == "latest-offset") {
    o.startup = StartupMode::kLatest;
  } else if (mode == "timestamp") {
    o.startup = StartupMode::kTimestamp;
    ASSIGN_OR_RETURN(o.startup_timestamp_ms,
                     ParseInteger(get("scan.startup.timestamp-millis"),
                                  "option 'scan.startup.timestamp-millis'"));
  } else if (mode == "specific-offsets") {
    o.startup = StartupMode::kSpecificOffsets;
    ASSIGN_OR_RETURN(o.specific_offsets,
                     ParseSpecificOffsets(get("scan.startup.specific-offsets")));
  } else {
    return Status::InvalidArgument(fmt::format(
        "option 'scan.startup.mode' = '{}': use earliest-offset, latest-offset, group-offsets, "
        "timestamp or specific-offsets",
        mode));
  }
  std::string format = get("value.format").empty() ? get("format") : get("value.format");
  o.raw_format = format == "raw";
  o.skip_tombstones = format == "debezium-json";
  if (!get("scan.record.max-bytes").empty()) {
    auto max_bytes = ParseByteSize(get("scan.record.max-bytes"));
    if (!max_bytes.ok() || *max_bytes <= 0) {
      return Status::InvalidArgument(
          fmt::format("option 'scan.record.max-bytes' = '{}' is not a positive size (e.g. '1 mb')",
                      get("scan.record.max-bytes")));
    }
    o.record_max_bytes = *max_bytes;
  }
  return o;
}

Result<KafkaSource::MetadataKey> KafkaSource::ParseMetadataKey(const std::string& name) {
  static const std::map<std::string, MetadataKey> kKeys = {
      {"topic", MetadataKey::kTopic},   {"partition", MetadataKey::kPartition},
      {"offset", MetadataKey::kOffset}, {"timestamp", MetadataKey::kTimestamp},
      {"key", MetadataKey::kKey},       {"headers", MetadataKey::kHeaders}};
  auto it = kKeys.find(name);
  if (it == kKeys.end()) {
    return Status::InvalidArgument(fmt::format(
        "connector 'kafka' has no metadata '{}'; it has 'topic', 'partition', 'offset', "
        "'timestamp', 'key', 'headers'",
        name));
  }
  return it->second;
}

KafkaSource::KafkaSource(std::string table_name, Options options, SchemaPtr schema,
                         std::unique_ptr<runtime::RecordDecoder> decoder,
                         std::vector<MetadataColumn> metadata, runtime::BadRecordReporter* reporter,
                         KeyFormat key_format)
    : table_name_(std::move(table_name)),
      options_(std::move(options)),
      schema_(std::move(schema)),
      decoder_(std::move(decoder)),
      metadata_(std::move(metadata)),
      key_format_(std::move(key_format)),
      reporter_(reporter) {
  auto physical = std::make_shared<Schema>();
  for (size_t i = 0; i < schema_->size(); ++i) {
    bool is_metadata = false;
    for (const auto& m : metadata_) is_metadata |= m.index == i;
    if (!is_metadata) physical->Add(schema_->field(i));
  }
  physical_schema_ = physical;
}

KafkaSource::~KafkaSource() { Close(); }

Result<RdKafkaHandle> KafkaSource::CreateConsumer(bool group_member) {
  std::map<std::string, std::string> overrides = {{"enable.auto.commit", "false"},
                                                  {"enable.auto.offset.store", "false"},
                                                  {"enable.partition.eof", "false"}};
  std::map<std::string, std::string> properties = options_.properties;
  if (!properties.count("auto.offset.reset")) {
    properties["auto.offset.reset"] =
        options_.startup == StartupMode::kLatest ? "latest" : "earliest";
  }
  ASSIGN_OR_RETURN(RdKafkaConf conf, KafkaClientConfig::Build(properties, overrides));
  if (group_member) {
    rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaSource::RebalanceCallback);
    rd_kafka_conf_set_opaque(conf.get(), this);
  }
  ASSIGN_OR_RETURN(RdKafkaHandle rk,
                   KafkaClientConfig::CreateClient(RD_KAFKA_CONSUMER, std::move(conf)));
  rd_kafka_poll_set_consumer(rk.get());
  return rk;
}

Status KafkaSource::Open() {
  ASSIGN_OR_RETURN(consumer_, CreateConsumer(/*group_member=*/true));
  if (options_.topics.size() == 1 && options_.topics[0].rfind('^', 0) != 0) {
    auto count = KafkaTopicCreator::PartitionCount(consumer_.get(), options_.topics[0]);
    if (count.ok()) total_splits_ = static_cast<size_t>(*count);
  }
  return Status::Ok();
}

size_t KafkaSource::SplitFor(const std::string& topic, int32_t partition) {
  auto key = std::make_pair(topic, partition);
  auto it = split_index_.find(key);
  if (it != split_index_.end()) return it->second;
  Split s;
  s.topic = topic;
  s.partition = partition;
  splits_.push_back(std::move(s));
  split_index_[key] = splits_.size() - 1;
  return splits_.size() - 1;
}

std::string KafkaSource::split_name(SplitId split) const {
  auto i = static_cast<size_t>(split.value());
  if (i >= splits_.size()) return fmt::format("split-{}", split.value());
  return fmt::format("{}-{}", splits_[i].topic, splits_[i].partition);
}

bool KafkaSource::split_owned(SplitId split) const {
  auto i = static_cast<size_t>(split.value());
  return i < splits_.size() && splits_[i].assigned;
}

void KafkaSource::RebalanceCallback(rd_kafka_t*, rd_kafka_resp_err_t err,
                                    rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<KafkaSource*>(opaque)->OnRebalance(err, partitions);
}

void KafkaSource::SetStartOffsets(rd_kafka_topic_partition_list_t* partitions) {
  const bool startup = !first_assignment_done_;
  first_assignment_done_ = true;
  std::vector<int> unread;  // partitions this reader holds no position for
  for (int i = 0; i < partitions->cnt; ++i) {
    rd_kafka_topic_partition_t& tp = partitions->elems[i];
    Split& split = splits_[SplitFor(tp.topic, tp.partition)];
    split.assigned = true;
    ++split.generation;
    split.epoch_first = -1;
    if (split.delivered >= 0) {
      tp.offset = split.delivered;  // resume after what this reader already delivered
      continue;
    }
    tp.offset = RD_KAFKA_OFFSET_STORED;  // a partition taken over later: the group's offsets
    unread.push_back(i);
  }
  // Intents matter where the group's offsets do: later assignments, and the first one in the
  // group-offsets startup mode (a new member of a running group).
  if (!startup || options_.startup == StartupMode::kGroupOffsets) {
    TakeOverIntents(partitions, &unread);
  }
  // At start-up the startup mode decides; later, a partition the group never committed (nobody
  // has read it yet) starts as it would have at start-up.
  ApplyStartupMode(partitions, startup ? unread : WithoutGroupOffsets(partitions, unread));
}

void KafkaSource::TakeOverIntents(rd_kafka_topic_partition_list_t* partitions,
                                  std::vector<int>* indexes) {
  if (indexes->empty()) return;
  RdKafkaPartitionList query(rd_kafka_topic_partition_list_new(static_cast<int>(indexes->size())));
  for (int i : *indexes) {
    rd_kafka_topic_partition_list_add(query.get(), partitions->elems[i].topic,
                                      partitions->elems[i].partition);
  }
  rd_kafka_resp_err_t err = rd_kafka_committed(consumer_.get(), query.get(), 10'000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    async_error_ =
        Status::Unavailable(fmt::format("table '{}': cannot read the group's committed offsets: {}",
                                        table_name_, rd_kafka_err2str(err)));
    return;
  }
  constexpr std::string_view kIntent = "sluice-intent:";
  std::vector<int> rest;
  for (size_t k = 0; k < indexes->size(); ++k) {
    const rd_kafka_topic_partition_t& committed = query->elems[k];
    std::string_view metadata(static_cast<const char*>(committed.metadata),
                              committed.metadata ? committed.metadata_size : 0);
    const int64_t end = metadata.rfind(kIntent, 0) == 0
                            ? std::atoll(std::string(metadata.substr(kIntent.size())).c_str())
                            : -1;
    if (committed.offset < 0 || end <= committed.offset) {
      rest.push_back((*indexes)[k]);
      continue;
    }
    rd_kafka_topic_partition_t& tp = partitions->elems[(*indexes)[k]];
    Split& split = splits_[SplitFor(tp.topic, tp.partition)];
    split.intent = fmt::format("{}:{}:{}:{}", tp.topic, tp.partition, committed.offset, end);
    tp.offset = end;  // live reading continues after the intent's range
    LogWarn("table '{}': {}-{} was taken over with an intent: re-reading offsets [{}, {}) first",
            table_name_, tp.topic, tp.partition, committed.offset, end);
  }
  *indexes = std::move(rest);
}

Result<std::optional<SourceBatch>> KafkaSource::PollIntent() {
  for (size_t index = 0; index < splits_.size(); ++index) {
    Split& split = splits_[index];
    if (split.intent.empty() || !split.assigned) continue;
    const std::string intent = std::exchange(split.intent, std::string());
    ASSIGN_OR_RETURN(SourceBatch batch, ReadUntil(SplitId(static_cast<int64_t>(index)), intent));
    ASSIGN_OR_RETURN(Position pos, ParsePosition(intent));
    split.epoch_first = pos.first;
    split.fenced = true;
    return std::optional<SourceBatch>(std::move(batch));
  }
  return std::optional<SourceBatch>();
}

std::vector<int> KafkaSource::WithoutGroupOffsets(rd_kafka_topic_partition_list_t* partitions,
                                                  const std::vector<int>& indexes) {
  if (indexes.empty() || options_.startup == StartupMode::kGroupOffsets) return {};
  RdKafkaPartitionList query(rd_kafka_topic_partition_list_new(static_cast<int>(indexes.size())));
  for (int i : indexes) {
    rd_kafka_topic_partition_list_add(query.get(), partitions->elems[i].topic,
                                      partitions->elems[i].partition);
  }
  rd_kafka_resp_err_t err = rd_kafka_committed(consumer_.get(), query.get(), 10'000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    LogWarn("table '{}': cannot read the group's committed offsets ({}); using them as stored",
            table_name_, rd_kafka_err2str(err));
    return {};
  }
  std::vector<int> uncommitted;
  for (size_t k = 0; k < indexes.size(); ++k) {
    if (query->elems[k].offset < 0) uncommitted.push_back(indexes[k]);
  }
  return uncommitted;
}

void KafkaSource::ApplyStartupMode(rd_kafka_topic_partition_list_t* partitions,
                                   const std::vector<int>& indexes) {
  std::vector<int> by_time;
  for (int i : indexes) {
    rd_kafka_topic_partition_t& tp = partitions->elems[i];
    switch (options_.startup) {
      case StartupMode::kEarliest:
        tp.offset = RD_KAFKA_OFFSET_BEGINNING;
        break;
      case StartupMode::kLatest:
        tp.offset = RD_KAFKA_OFFSET_END;
        break;
      case StartupMode::kGroupOffsets:
        break;
      case StartupMode::kSpecificOffsets: {
        auto it = options_.specific_offsets.find(tp.partition);
        if (it != options_.specific_offsets.end()) tp.offset = it->second;
        break;
      }
      case StartupMode::kTimestamp:
        by_time.push_back(i);
        break;
    }
  }
  if (!by_time.empty()) StartAtTimestamp(partitions, by_time);
}

void KafkaSource::StartAtTimestamp(rd_kafka_topic_partition_list_t* partitions,
                                   const std::vector<int>& indexes) {
  RdKafkaPartitionList query(rd_kafka_topic_partition_list_new(static_cast<int>(indexes.size())));
  for (int i : indexes) {
    rd_kafka_topic_partition_list_add(query.get(), partitions->elems[i].topic,
                                      partitions->elems[i].partition)
        ->offset = options_.startup_timestamp_ms;
  }
  rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(consumer_.get(), query.get(), 10'000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    async_error_ = Status::Unavailable(
        fmt::format("cannot look up offsets by timestamp: {}", rd_kafka_err2str(err)));
  }
  for (size_t k = 0; k < indexes.size(); ++k) {
    rd_kafka_topic_partition_t& tp = partitions->elems[indexes[k]];
    // The broker's answer is a hint only: a real broker answers no offset when no message is at
    // or after the timestamp, the development broker (librdkafka 2.0's mock) always does. So the
    // partition is read from the answer (or its beginning) and messages before the timestamp are
    // skipped until the first at or after it: the same start as a correct answer.
    Split& split = splits_[SplitFor(tp.topic, tp.partition)];
    split.skip_before_ms = options_.startup_timestamp_ms;
    tp.offset = query->elems[k].offset;
    if (tp.offset < 0) {
      LogInfo("table '{}': no offset for timestamp {} in {}-{}; scanning from the beginning",
              table_name_, options_.startup_timestamp_ms, tp.topic, tp.partition);
      tp.offset = RD_KAFKA_OFFSET_BEGINNING;
    }
  }
}

bool KafkaSource::SkipBeforeStartup(Split& split, const rd_kafka_message_t* m) {
  if (split.skip_before_ms < 0) return false;
  rd_kafka_timestamp_type_t type;
  int64_t ts = rd_kafka_message_timestamp(m, &type);
  if (type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ts < split.skip_before_ms) {
    split.delivered = m->offset + 1;  // skipped on purpose: committed like delivered messages
    return true;
  }
  split.skip_before_ms = -1;
  return false;
}

void KafkaSource::OnRebalance(rd_kafka_resp_err_t err,
                              rd_kafka_topic_partition_list_t* partitions) {
  const bool cooperative =
      std::strcmp(rd_kafka_rebalance_protocol(consumer_.get()), "COOPERATIVE") == 0;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    SetStartOffsets(partitions);
    if (cooperative) {
      rd_kafka_error_t* e = rd_kafka_incremental_assign(consumer_.get(), partitions);
      if (e != nullptr) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(consumer_.get(), partitions);
    }
    LogInfo("table '{}': assigned {} partition(s)", table_name_, partitions->cnt);
    return;
  }
  // Revoked (or lost): drop what is waiting; the group's committed offsets hand it back.
  for (int i = 0; i < partitions->cnt; ++i) {
    Split& split = splits_[SplitFor(partitions->elems[i].topic, partitions->elems[i].partition)];
    split.assigned = false;
    split.delivered = -1;
    split.skip_before_ms = -1;
    split.epoch_first = -1;
    split.intent.clear();
    split.fenced = false;
    pending_total_ -= split.pending.size();
    split.pending.clear();
  }
  if (cooperative) {
    rd_kafka_error_t* e = rd_kafka_incremental_unassign(consumer_.get(), partitions);
    if (e != nullptr) rd_kafka_error_destroy(e);
  } else {
    rd_kafka_assign(consumer_.get(), nullptr);
  }
  LogInfo("table '{}': revoked {} partition(s)", table_name_, partitions->cnt);
}

Status KafkaSource::Drain(size_t limit) {
  while (pending_total_ < limit) {
    Message m(rd_kafka_consumer_poll(consumer_.get(), 0));
    if (!async_error_.ok()) return std::exchange(async_error_, Status::Ok());
    if (!m) break;
    if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
      return Status::DataError(
          fmt::format("table '{}': {}", table_name_, rd_kafka_message_errstr(m.get())));
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
        return Status::Unavailable(rd_kafka_message_errstr(m.get()));
      }
      LogWarn("table '{}': kafka: {}", table_name_, rd_kafka_message_errstr(m.get()));
      continue;
    }
    Split& split = splits_[SplitFor(rd_kafka_topic_name(m->rkt), m->partition)];
    if (!split.assigned) continue;  // fetched before a revocation
    if (SkipBeforeStartup(split, m.get())) continue;
    split.pending.push_back(std::move(m));
    ++pending_total_;
  }
  return Status::Ok();
}

Result<std::optional<SourceBatch>> KafkaSource::Poll(size_t max_rows) {
  if (!consumer_) return Status::Internal("kafka source polled before Open");
  if (!subscribed_) {
    RdKafkaPartitionList topics(
        rd_kafka_topic_partition_list_new(static_cast<int>(options_.topics.size())));
    for (const auto& t : options_.topics) {
      rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    }
    rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer_.get(), topics.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::InvalidArgument(fmt::format("cannot subscribe: {}", rd_kafka_err2str(err)));
    }
    subscribed_ = true;
  }
  max_rows = std::max<size_t>(max_rows, 1);
  RETURN_IF_ERROR(Drain(4 * max_rows));
  const size_t n = splits_.size();
  if (n > announced_splits_) {
    // New partitions were assigned. An empty batch of the highest split makes the runtime know
    // every split up to it before any of their messages: each then holds the watermark back
    // until it delivers or is idle, instead of being unknown while another one advances it.
    announced_splits_ = n;
    return std::optional<SourceBatch>(EmptyBatch(n - 1));
  }
  ASSIGN_OR_RETURN(std::optional<SourceBatch> intent, PollIntent());
  if (intent) return intent;
  for (size_t k = 0; k < n; ++k) {
    size_t index = (next_split_ + k) % n;
    Split& split = splits_[index];
    if (split.pending.empty() || split.fenced) continue;
    next_split_ = (index + 1) % n;
    std::vector<Message> taken;
    while (!split.pending.empty() && taken.size() < max_rows) {
      taken.push_back(std::move(split.pending.front()));
      split.pending.pop_front();
    }
    pending_total_ -= taken.size();
    std::vector<const rd_kafka_message_t*> messages;
    for (const auto& m : taken) messages.push_back(m.get());
    SourceBatch batch = Decode(index, messages);
    if (split.epoch_first < 0) split.epoch_first = taken.front()->offset;
    split.delivered = taken.back()->offset + 1;
    return std::optional<SourceBatch>(std::move(batch));
  }
  return std::optional<SourceBatch>();
}

int64_t KafkaSource::split_backlog(SplitId split) const {
  if (!consumer_ || split.value() < 0 || static_cast<size_t>(split.value()) >= splits_.size()) {
    return -1;
  }
  const Split& s = splits_[split.value()];
  int64_t low = 0, high = 0;
  if (!s.assigned ||
      rd_kafka_get_watermark_offsets(consumer_.get(), s.topic.c_str(), s.partition, &low, &high) !=
          RD_KAFKA_RESP_ERR_NO_ERROR ||
      high < 0) {
    return -1;
  }
  return std::max<int64_t>(0, high - (s.delivered >= 0 ? s.delivered : low));
}

Status KafkaSource::CheckRecordSize(const rd_kafka_message_t* m) const {
  const int64_t size = static_cast<int64_t>((m->payload ? m->len : 0) + (m->key ? m->key_len : 0));
  if (options_.record_max_bytes <= 0 || size <= options_.record_max_bytes) return Status::Ok();
  return Status::DataError(
      fmt::format("record-too-large: {} bytes (key and value), over "
                  "'scan.record.max-bytes' = {}",
                  size, options_.record_max_bytes));
}

SourceBatch KafkaSource::Decode(size_t split,
                                const std::vector<const rd_kafka_message_t*>& messages) {
  const Split& s = splits_[split];
  runtime::BatchBuilder builder(physical_schema_);
  std::vector<std::shared_ptr<Column>> meta;
  std::string headers;
  for (const auto& m : metadata_)
    meta.push_back(std::make_shared<Column>(schema_->field(m.index).type));
  std::optional<runtime::BatchBuilder> keys;
  if (key_format_.schema) keys.emplace(key_format_.schema);
  for (const rd_kafka_message_t* m : messages) {
    std::string_view value(static_cast<const char*>(m->payload), m->payload ? m->len : 0);
    bytes_read_ += static_cast<int64_t>(value.size());
    const size_t before = builder.num_rows();
    Status st = CheckRecordSize(m);
    size_t key_row = SIZE_MAX;
    if (!st.ok()) {
      // reported below, never decoded
    } else if (keys) {
      auto decoded = DecodeKey(m, &*keys);
      if (decoded.ok()) key_row = *decoded;
      st = decoded.status();
    }
    if (!st.ok()) {
      // reported below
    } else if (m->payload == nullptr && options_.skip_tombstones) {
      continue;
    } else if (m->payload == nullptr) {
      st = Status::DataError("empty value (tombstone)");
    } else if (options_.raw_format) {
      builder.column(0).AppendString(value);
      builder.CommitRow();
    } else {
      st = decoder_->Decode(value, &builder);
    }
    if (!st.ok()) {
      ++bad_records_;
      if (reporter_ != nullptr) {
        reporter_->Report(table_name_, fmt::format("{}-{}@{}", s.topic, s.partition, m->offset),
                          value, st.message());
      }
    }
    // A changelog format may give several rows (-U, +U) per message: each gets the metadata.
    for (size_t row = before; row < builder.num_rows(); ++row) {
      for (size_t i = 0; i < metadata_.size(); ++i) {
        Column& c = *meta[i];
        switch (metadata_[i].key) {
          case MetadataKey::kTopic:
            c.AppendString(s.topic);
            break;
          case MetadataKey::kPartition:
            c.AppendInt(s.partition);
            break;
          case MetadataKey::kOffset:
            c.AppendInt(m->offset);
            break;
          case MetadataKey::kTimestamp: {
            rd_kafka_timestamp_type_t type;
            int64_t ts = rd_kafka_message_timestamp(m, &type);
            if (type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) {
              c.AppendNull();
            } else {
              c.AppendInt(ts);
            }
            break;
          }
          case MetadataKey::kKey:
            if (m->key == nullptr) {
              c.AppendNull();
            } else {
              c.AppendString(std::string_view(static_cast<const char*>(m->key), m->key_len));
            }
            break;
          case MetadataKey::kHeaders:
            headers.clear();
            AppendHeadersJson(m, &headers);
            c.AppendString(headers);
            break;
          case MetadataKey::kKeyField:
            if (key_row == SIZE_MAX) {
              c.AppendNull();
            } else {
              c.AppendFrom(keys->column(metadata_[i].key_field), key_row);
            }
            break;
        }
      }
    }
  }
  BatchPtr physical = builder.Finish();
  auto out = std::make_shared<Batch>();
  out->schema = schema_;
  out->num_rows = physical->num_rows;
  out->row_kinds = physical->row_kinds;
  size_t next_physical = 0;
  for (size_t i = 0; i < schema_->size(); ++i) {
    ColumnPtr column;
    for (size_t j = 0; j < metadata_.size(); ++j) {
      if (metadata_[j].index == i) column = meta[j];
    }
    out->columns.push_back(column ? column : physical->columns[next_physical++]);
  }
  SourceBatch batch;
  batch.split = SplitId(static_cast<int64_t>(split));
  batch.batch = out;
  batch.end_position = fmt::format("{}:{}:{}:{}", s.topic, s.partition, messages.front()->offset,
                                   messages.back()->offset + 1);
  return batch;
}

Result<size_t> KafkaSource::DecodeKey(const rd_kafka_message_t* m, runtime::BatchBuilder* keys) {
  if (m->key == nullptr) return SIZE_MAX;  // the key fields are NULL
  std::string_view key(static_cast<const char*>(m->key), m->key_len);
  if (key_format_.decoder == nullptr) {
    keys->column(0).AppendString(key);
    keys->CommitRow();
  } else {
    const size_t before = keys->num_rows();
    Status st = key_format_.decoder->Decode(key, keys);
    if (!st.ok()) return Status::DataError("key: " + st.message());
    if (keys->num_rows() == before) return Status::DataError("key: skipped by its format");
  }
  return keys->num_rows() - 1;
}

void KafkaSource::AppendHeadersJson(const rd_kafka_message_t* m, std::string* out) {
  out->push_back('{');
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      if (i > 0) out->push_back(',');
      AppendJsonString(name, out);
      out->push_back(':');
      if (value == nullptr) {
        out->append("null");
      } else {
        AppendJsonString(std::string_view(static_cast<const char*>(value), size), out);
      }
    }
  }
  out->push_back('}');
}

SourceBatch KafkaSource::EmptyBatch(size_t split) {
  const Split& s = splits_[split];
  auto out = std::make_shared<Batch>();
  out->schema = schema_;
  for (size_t i = 0; i < schema_->size(); ++i) {
    out->columns.push_back(std::make_shared<Column>(schema_->field(i).type));
  }
  SourceBatch batch;
  batch.split = SplitId(static_cast<int64_t>(split));
  batch.batch = out;
  batch.end_position = fmt::format("{}:{}:0:0", s.topic, s.partition);
  return batch;
}

Status KafkaSource::SeekTo(SplitId split, const std::string& position) {
  ASSIGN_OR_RETURN(Position pos, ParsePosition(position));
  ASSIGN_OR_RETURN(size_t index, LearnSplit(split, pos.topic, pos.partition, position));
  // An announcement ("t:p:0:0") delivered nothing: the partition starts as configured.
  if (pos.first != pos.next) splits_[index].delivered = pos.next;
  return Status::Ok();
}

Result<size_t> KafkaSource::LearnSplit(SplitId split, const std::string& topic, int32_t partition,
                                       const std::string& position) {
  const auto wanted = static_cast<size_t>(split.value());
  if (!split_index_.count({topic, partition})) {
    // A fresh reader (replaying a log) learns the split under its logged id.
    if (wanted >= splits_.size()) splits_.resize(wanted + 1);
    if (splits_[wanted].topic.empty()) {
      splits_[wanted].topic = topic;
      splits_[wanted].partition = partition;
      split_index_[{topic, partition}] = wanted;
    }
  }
  size_t index = SplitFor(topic, partition);
  if (index != wanted) {
    return Status::DataError(
        fmt::format("position '{}' belongs to split {}, not {}", position, index, split.value()));
  }
  return index;
}

Result<SourceBatch> KafkaSource::ReadUntil(SplitId split, const std::string& end_position) {
  ASSIGN_OR_RETURN(Position pos, ParsePosition(end_position));
  ASSIGN_OR_RETURN(size_t index, LearnSplit(split, pos.topic, pos.partition, end_position));
  if (pos.first == pos.next) return EmptyBatch(index);  // a split's announcement
  if (!replay_consumer_) {
    ASSIGN_OR_RETURN(replay_consumer_, CreateConsumer(/*group_member=*/false));
  }
  rd_kafka_t* rk = replay_consumer_.get();
  RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), pos.topic.c_str(), pos.partition)->offset =
      pos.first;
  rd_kafka_resp_err_t err = rd_kafka_assign(rk, list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(
        fmt::format("cannot assign {}: {}", end_position, rd_kafka_err2str(err)));
  }
  std::vector<Message> taken;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((taken.empty() || taken.back()->offset + 1 < pos.next) &&
         std::chrono::steady_clock::now() < deadline) {
    Message m(rd_kafka_consumer_poll(rk, 100));
    if (!m) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
        rd_kafka_assign(rk, nullptr);
        return Status::DataError(
            fmt::format("cannot re-read {}: {}", end_position, rd_kafka_message_errstr(m.get())));
      }
      continue;
    }
    if (m->offset >= pos.first && m->offset < pos.next) taken.push_back(std::move(m));
  }
  rd_kafka_assign(rk, nullptr);
  if (taken.empty() || taken.back()->offset + 1 != pos.next) {
    return Status::Unavailable(fmt::format("timed out re-reading {}", end_position));
  }
  std::vector<const rd_kafka_message_t*> messages;
  for (const auto& m : taken) messages.push_back(m.get());
  // Live reading continues after what was re-read (recovery replays, then goes live).
  splits_[index].delivered = pos.next;
  return Decode(index, messages);
}

Result<std::vector<SplitId>> KafkaSource::RecordIntents(const std::vector<SplitId>& splits) {
  // Not a group member (a replay of a log): nothing moves, everything may be written.
  if (!consumer_ || !subscribed_) return splits;
  std::vector<SplitId> recorded;
  RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(splits.size())));
  for (SplitId id : splits) {
    const auto index = static_cast<size_t>(id.value());
    if (index >= splits_.size()) continue;
    const Split& s = splits_[index];
    if (!s.assigned || s.epoch_first < 0 || s.delivered <= s.epoch_first) continue;
    const std::string metadata = fmt::format("sluice-intent:{}", s.delivered);
    rd_kafka_topic_partition_t* tp =
        rd_kafka_topic_partition_list_add(list.get(), s.topic.c_str(), s.partition);
    tp->offset = s.epoch_first;
    tp->metadata = std::malloc(metadata.size());  // the list frees it
    std::memcpy(tp->metadata, metadata.data(), metadata.size());
    tp->metadata_size = metadata.size();
  }
  if (list->cnt == 0) return recorded;
  rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), list.get(), /*async=*/0);
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = list->elems[i];
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && tp.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      recorded.push_back(SplitId(static_cast<int64_t>(SplitFor(tp.topic, tp.partition))));
    }
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS &&
      err != RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION) {
    return Status::Unavailable(
        fmt::format("table '{}': cannot record intents: {}", table_name_, rd_kafka_err2str(err)));
  }
  return recorded;
}

int64_t KafkaSource::split_generation(SplitId split) const {
  auto i = static_cast<size_t>(split.value());
  return i < splits_.size() ? splits_[i].generation : 0;
}

Result<KafkaSplitStateStore*> KafkaSource::StateStore() {
  if (state_store_) return state_store_.get();
  if (options_.topics.size() != 1) {
    return Status::InvalidArgument(
        fmt::format("table '{}': split state is kept for a table of one topic", table_name_));
  }
  std::map<std::string, std::string> table_options;
  for (const auto& [key, value] : options_.properties) table_options["properties." + key] = value;
  ASSIGN_OR_RETURN(state_store_, KafkaSplitStateStore::Create(
                                     KafkaClientConfig::ConnectionProperties(table_options),
                                     options_.topics[0] + ".state"));
  return state_store_.get();
}

std::string KafkaSource::StateKey(const Split& split) const {
  return fmt::format("{}:{}", split.topic, split.partition);
}

Status KafkaSource::StoreSplitStates(const std::vector<std::pair<SplitId, std::string>>& states) {
  if (states.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(KafkaSplitStateStore * store, StateStore());
  std::map<std::string, KafkaSplitStateStore::Entry> entries;
  for (const auto& [id, state] : states) {
    const auto index = static_cast<size_t>(id.value());
    if (index >= splits_.size()) return Status::Internal("state of an unknown split");
    const Split& split = splits_[index];
    entries[StateKey(split)] = {split.delivered, state};
  }
  return store->Store(entries).WithContext("table '" + table_name_ + "'");
}

Result<std::map<SplitId, std::string>> KafkaSource::LoadSplitStates(
    const std::vector<SplitId>& splits) {
  std::map<SplitId, std::string> out;
  if (splits.empty()) return out;
  ASSIGN_OR_RETURN(KafkaSplitStateStore * store, StateStore());
  ASSIGN_OR_RETURN(auto stored, store->Load());
  for (SplitId id : splits) {
    const auto index = static_cast<size_t>(id.value());
    if (index >= splits_.size()) continue;
    auto it = stored.find(StateKey(splits_[index]));
    if (it == stored.end()) continue;
    LogInfo("table '{}': {} restores its state at offset {} ({} bytes)", table_name_, it->first,
            it->second.offset, it->second.state.size());
    out[id] = std::move(it->second.state);
  }
  return out;
}

Status KafkaSource::CommitConsumed(const std::map<SplitId, std::string>& positions) {
  for (auto& s : splits_) {  // the epoch ended: its ranges are written
    s.epoch_first = -1;
    s.fenced = false;
  }
  if (!consumer_ || !subscribed_) return Status::Ok();
  RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(4));
  for (const auto& [split, position] : positions) {
    const auto index = static_cast<size_t>(split.value());
    ASSIGN_OR_RETURN(Position pos, ParsePosition(position));
    if (index >= splits_.size() || pos.first == pos.next) continue;  // an announcement
    const Split& s = splits_[index];
    if (!s.assigned || s.topic != pos.topic || s.partition != pos.partition ||
        pos.next == s.committed) {
      continue;
    }
    rd_kafka_topic_partition_list_add(list.get(), s.topic.c_str(), s.partition)->offset = pos.next;
  }
  if (list->cnt == 0) return Status::Ok();
  rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), list.get(), /*async=*/0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Unavailable(fmt::format("cannot commit offsets: {}", rd_kafka_err2str(err)));
  }
  for (int i = 0; i < list->cnt; ++i) {
    const auto& tp = list->elems[i];
    if (tp.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      splits_[SplitFor(tp.topic, tp.partition)].committed = tp.offset;
    }
  }
  return Status::Ok();
}

void KafkaSource::Close() {
  for (auto& s : splits_) s.pending.clear();
  pending_total_ = 0;
  if (consumer_) {
    rd_kafka_consumer_close(consumer_.get());
    consumer_.reset();
  }
  if (replay_consumer_) {
    rd_kafka_consumer_close(replay_consumer_.get());
    replay_consumer_.reset();
  }
}

}  // namespace sluice::connectors
