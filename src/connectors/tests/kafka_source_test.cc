#include "connectors/kafka/kafka_source.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "connectors/formats/format_factory.h"
#include "connectors/tests/kafka_test_broker.h"
#include "testing/temp_dir.h"

namespace sluice::connectors {
namespace {

// One consumed row: id and name from the value, then the metadata columns.
struct Row {
  int64_t id;
  std::string name;
  int64_t partition;
  int64_t offset;
  std::string topic;
  std::string key;
  int64_t split;
};

class KafkaSourceTest : public ::testing::Test {
 protected:
  // Schema: id BIGINT, name STRING, partition INT, offset BIGINT, topic STRING, key STRING.
  // `last` is what the sixth column holds (the key, or the headers as JSON).
  std::unique_ptr<KafkaSource> MakeSource(
      std::map<std::string, std::string> table_options,
      runtime::BadRecordReporter* reporter = nullptr,
      KafkaSource::MetadataKey last = KafkaSource::MetadataKey::kKey) {
    table_options["properties.bootstrap.servers"] = broker_.bootstraps();
    if (!table_options.count("topic") && !table_options.count("topic-pattern")) {
      table_options["topic"] = "events";
    }
    auto options = KafkaSource::ParseOptions(table_options);
    EXPECT_TRUE(options.ok()) << options.status().message();
    auto schema = std::make_shared<Schema>(std::vector<Field>{{"id", LogicalType::BigInt()},
                                                              {"name", LogicalType::String()},
                                                              {"partition", LogicalType::Int()},
                                                              {"offset", LogicalType::BigInt()},
                                                              {"topic", LogicalType::String()},
                                                              {"key", LogicalType::String()}});
    auto physical =
        std::make_shared<Schema>(std::vector<Field>{schema->field(0), schema->field(1)});
    auto decoder = FormatFactory::CreateDecoder({{"format", "json"}}, physical, {}, 2);
    EXPECT_TRUE(decoder.ok());
    std::vector<KafkaSource::MetadataColumn> metadata = {{2, KafkaSource::MetadataKey::kPartition},
                                                         {3, KafkaSource::MetadataKey::kOffset},
                                                         {4, KafkaSource::MetadataKey::kTopic},
                                                         {5, last}};
    auto source = std::make_unique<KafkaSource>("events", std::move(*options), schema,
                                                std::move(*decoder), metadata, reporter);
    EXPECT_TRUE(source->Open().ok());
    return source;
  }

  static std::vector<Row> RowsOf(const runtime::SourceBatch& b) {
    std::vector<Row> rows;
    const Batch& batch = *b.batch;
    for (size_t r = 0; r < batch.num_rows; ++r) {
      rows.push_back({batch.column(0).ints()[r], std::string(batch.column(1).strings()[r]),
                      batch.column(2).ints()[r], batch.column(3).ints()[r],
                      std::string(batch.column(4).strings()[r]),
                      std::string(batch.column(5).strings()[r]), b.split.value()});
    }
    return rows;
  }

  // Polls until `count` rows arrived or `timeout` passed; keeps the batches in `batches`.
  std::vector<Row> PollRows(KafkaSource* source, size_t count, size_t max_rows = 4,
                            std::vector<runtime::SourceBatch>* batches = nullptr,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::vector<Row> rows;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (rows.size() < count && std::chrono::steady_clock::now() < deadline) {
      auto polled = source->Poll(max_rows);
      EXPECT_TRUE(polled.ok()) << polled.status().message();
      if (!polled.ok()) break;
      if (!polled->has_value()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      for (auto& row : RowsOf(**polled)) rows.push_back(row);
      if (batches) batches->push_back(**polled);
    }
    return rows;
  }

  // Returns, per split, the end position of the last of `batches` (what an epoch commits).
  static std::map<SplitId, std::string> EndPositions(
      const std::vector<runtime::SourceBatch>& batches) {
    std::map<SplitId, std::string> ends;
    for (const auto& b : batches) ends[b.split] = b.end_position;
    return ends;
  }

  // Message i goes to partition i % partitions with key "k<i>" and value {"id":i,"name":"n<i>"}.
  void ProduceEvents(int from, int to, int partitions) {
    for (int i = from; i < to; ++i) {
      broker_.Produce("events", i % partitions, "k" + std::to_string(i),
                      "{\"id\":" + std::to_string(i) + ",\"name\":\"n" + std::to_string(i) + "\"}",
                      1000LL * (i + 1));
    }
    broker_.Flush();
  }

  KafkaTestBroker broker_;
};

TEST_F(KafkaSourceTest, ConsumesEveryMessageOnceWithOneSplitPerPartition) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 3).ok());
  ProduceEvents(0, 30, 3);
  auto source = MakeSource({{"scan.startup.mode", "earliest-offset"}});
  std::vector<runtime::SourceBatch> batches;
  std::vector<Row> rows = PollRows(source.get(), 30, 4, &batches);
  ASSERT_EQ(rows.size(), 30u);
  std::set<int64_t> ids;
  std::map<int64_t, int64_t> split_of_partition;
  for (const Row& r : rows) {
    ids.insert(r.id);
    EXPECT_EQ(r.name, "n" + std::to_string(r.id));
    EXPECT_EQ(r.partition, r.id % 3);
    EXPECT_EQ(r.offset, r.id / 3);  // the partition's (id / 3)-th message
    EXPECT_EQ(r.topic, "events");
    EXPECT_EQ(r.key, "k" + std::to_string(r.id));
    auto [it, fresh] = split_of_partition.emplace(r.partition, r.split);
    EXPECT_EQ(it->second, r.split) << "partition " << r.partition << " changed split";
  }
  EXPECT_EQ(ids.size(), 30u);
  EXPECT_EQ(source->num_splits(), 3u);
  EXPECT_EQ(split_of_partition.size(), 3u);
  for (const auto& b : batches) {
    EXPECT_LE(b.batch->num_rows, 4u);
    for (const Row& r : RowsOf(b)) EXPECT_EQ(r.partition, RowsOf(b)[0].partition);  // one split
  }
  auto more = source->Poll(4);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(more->has_value());
}

TEST_F(KafkaSourceTest, LatestOffsetSkipsEarlierMessages) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 1).ok());
  ProduceEvents(0, 5, 1);
  auto source = MakeSource({{"scan.startup.mode", "latest-offset"}});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (source->num_splits() == 0 && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(source->Poll(10).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (int i = 0; i < 100; ++i) {  // let the end offset be resolved
    ASSERT_TRUE(source->Poll(10).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ProduceEvents(5, 8, 1);
  std::vector<Row> rows = PollRows(source.get(), 3);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].id, 5);
  EXPECT_EQ(rows[2].id, 7);
}

TEST_F(KafkaSourceTest, SpecificOffsetsStartThere) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 1).ok());
  ProduceEvents(0, 5, 1);
  auto source = MakeSource({{"scan.startup.mode", "specific-offsets"},
                            {"scan.startup.specific-offsets", "partition:0,offset:2"}});
  std::vector<Row> rows = PollRows(source.get(), 3);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].id, 2);
  EXPECT_EQ(rows[1].id, 3);
  EXPECT_EQ(rows[2].id, 4);
}

// librdkafka 2.0.2's mock cluster answers every lookup by timestamp with no offset; the source
// then scans from the beginning and skips the messages before the timestamp.
TEST_F(KafkaSourceTest, TimestampStartsAtFirstMessageAtOrAfterIt) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 1).ok());
  ProduceEvents(0, 5, 1);  // message i has timestamp (i + 1) s
  auto source =
      MakeSource({{"scan.startup.mode", "timestamp"}, {"scan.startup.timestamp-millis", "2500"}});
  std::vector<runtime::SourceBatch> batches;
  std::vector<Row> rows = PollRows(source.get(), 3, 4, &batches);
  ASSERT_EQ(rows.size(), 3u);  // timestamps 3000, 4000, 5000
  EXPECT_EQ(rows[0].id, 2);
  EXPECT_EQ(rows[2].id, 4);
  ASSERT_TRUE(source->CommitConsumed(EndPositions(batches)).ok());
  EXPECT_EQ(broker_.Committed("sluice", "events", 0), 5);
}

// Timestamps are not monotonic within a partition: after the first message at or after the
// start-up timestamp, earlier-stamped ones are read too (the start is an offset, as in Flink).
TEST_F(KafkaSourceTest, TimestampStartKeepsLaterMessagesWithEarlierTimestamps) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 1).ok());
  const int64_t stamps[] = {1000, 4000, 2000, 5000};  // offsets 0..3
  for (int i = 0; i < 4; ++i) {
    broker_.Produce("events", 0, "k", "{\"id\":" + std::to_string(i) + ",\"name\":\"n\"}",
                    stamps[i]);
  }
  broker_.Flush();
  auto source =
      MakeSource({{"scan.startup.mode", "timestamp"}, {"scan.startup.timestamp-millis", "3000"}});
  std::vector<Row> rows = PollRows(source.get(), 3);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].id, 1);
  EXPECT_EQ(rows[1].id, 2);
  EXPECT_EQ(rows[2].id, 3);
}

TEST_F(KafkaSourceTest, ReadUntilReproducesALoggedBatch) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 2).ok());
  ProduceEvents(0, 12, 2);
  auto source = MakeSource({{"scan.startup.mode", "earliest-offset"}});
  std::vector<runtime::SourceBatch> batches;
  ASSERT_EQ(PollRows(source.get(), 12, 3, &batches).size(), 12u);
  // A fresh reader replays the last batch, then the first, from their positions alone.
  auto replayer = MakeSource({{"scan.startup.mode", "earliest-offset"}});
  for (const auto* b : {&batches.back(), &batches.front()}) {
    auto again = replayer->ReadUntil(b->split, b->end_position);
    ASSERT_TRUE(again.ok()) << again.status().message();
    std::vector<Row> expected = RowsOf(*b), got = RowsOf(*again);
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].id, expected[i].id);
      EXPECT_EQ(got[i].offset, expected[i].offset);
      EXPECT_EQ(got[i].split, expected[i].split);
    }
    EXPECT_EQ(again->end_position, b->end_position);
  }
}

TEST_F(KafkaSourceTest, FetchErrorsAreRetriedWithoutLoss) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 3).ok());
  ProduceEvents(0, 30, 3);
  rd_kafka_mock_push_request_errors(
      broker_.cluster().cluster(), 1 /* Fetch */, 4, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
      RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE);
  auto source = MakeSource({{"scan.startup.mode", "earliest-offset"}});
  std::vector<Row> rows = PollRows(source.get(), 30, 100);
  std::set<int64_t> ids;
  for (const Row& r : rows) ids.insert(r.id);
  EXPECT_EQ(rows.size(), 30u);
  EXPECT_EQ(ids.size(), 30u);
}

TEST_F(KafkaSourceTest, CommitConsumedMakesGroupOffsetsVisible) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 3).ok());
  ProduceEvents(0, 30, 3);
  auto source = MakeSource({{"scan.startup.mode", "group-offsets"},
                            {"properties.group.id", "g1"},
                            {"properties.auto.offset.reset", "earliest"}});
  std::vector<runtime::SourceBatch> batches;
  ASSERT_EQ(PollRows(source.get(), 30, 4, &batches).size(), 30u);
  EXPECT_LT(broker_.Committed("g1", "events", 0), 0);  // nothing committed before
  // An epoch's positions, not what was delivered after it: only the first batch's partition
  // moves, to the offset after that batch.
  const auto with_rows = std::find_if(batches.begin(), batches.end(), [](const auto& b) {
    return b.batch && b.batch->num_rows > 0;
  });
  ASSERT_NE(with_rows, batches.end());
  ASSERT_TRUE(source->CommitConsumed(EndPositions({*with_rows})).ok());
  const int first = static_cast<int>(with_rows->split.value());
  for (int p = 0; p < 3; ++p) {
    if (p == first) {
      EXPECT_EQ(broker_.Committed("g1", "events", p), 4);
    } else {
      EXPECT_LT(broker_.Committed("g1", "events", p), 0) << p;
    }
  }
  ASSERT_TRUE(source->CommitConsumed(EndPositions(batches)).ok());
  for (int p = 0; p < 3; ++p) EXPECT_EQ(broker_.Committed("g1", "events", p), 10) << p;
}

TEST_F(KafkaSourceTest, BadMessagesAreReportedWithTopicPartitionOffset) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 1).ok());
  broker_.Produce("events", 0, "a", "{\"id\":1,\"name\":\"x\"}");
  broker_.Produce("events", 0, "b", "not json");
  broker_.Produce("events", 0, "c", "{\"id\":3,\"name\":\"z\"}");
  broker_.Flush();
  runtime::BadRecordReporter reporter;
  auto source = MakeSource({{"scan.startup.mode", "earliest-offset"}}, &reporter);
  std::vector<Row> rows = PollRows(source.get(), 2, 100);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, 1);
  EXPECT_EQ(rows[1].id, 3);
  EXPECT_EQ(reporter.count(), 1);
  EXPECT_EQ(source->bad_records(), 1);
}

// With 'scan.record.max-bytes' = 64, a message whose key and value hold more than 64 bytes is a
// dead letter with reason record-too-large and is never decoded: a valid JSON record over the
// limit gives no row, an invalid one is not reported as a parse error.
TEST_F(KafkaSourceTest, RecordsOverMaxBytesAreDeadLettersNeverDecoded) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 1).ok());
  const std::string long_name(100, 'x');
  broker_.Produce("events", 0, "a", "{\"id\":1,\"name\":\"x\"}");
  broker_.Produce("events", 0, "b", "{\"id\":2,\"name\":\"" + long_name + "\"}");
  broker_.Produce("events", 0, "c", "not json " + long_name);
  broker_.Produce("events", 0, std::string(60, 'k'), "{\"id\":4}");  // 60 + 8 bytes
  broker_.Produce("events", 0, "e", "{\"id\":5,\"name\":\"" + std::string(40, 'y') + "\"}");
  broker_.Flush();
  ::sluice::testing::TempDir dir;
  runtime::BadRecordReporter reporter(dir.File("dead.jsonl"));
  auto source = MakeSource(
      {{"scan.startup.mode", "earliest-offset"}, {"scan.record.max-bytes", "64"}}, &reporter);
  std::vector<Row> rows = PollRows(source.get(), 2, 100);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, 1);
  EXPECT_EQ(rows[1].id, 5);  // 1 + 63 bytes: at the limit
  EXPECT_EQ(reporter.count(), 3);
  EXPECT_EQ(source->bad_records(), 3);
  std::ifstream in(dir.File("dead.jsonl"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u);
  for (const char* where : {"events-0@1", "events-0@2", "events-0@3"}) {
    bool found = false;
    for (const auto& line : lines) {
      if (line.find(where) == std::string::npos) continue;
      found = true;
      EXPECT_NE(line.find("\"reason\":\"record-too-large: "), std::string::npos) << line;
      EXPECT_NE(line.find("over 'scan.record.max-bytes' = 64"), std::string::npos) << line;
    }
    EXPECT_TRUE(found) << where;
  }
  EXPECT_EQ(runtime::BadRecordReporter::ErrorClass("not json", "record-too-large: 109 bytes"),
            "record-too-large");
}

TEST_F(KafkaSourceTest, RecordMaxBytesMustBeAPositiveSize) {
  for (const char* bad : {"lots", "0", "-5"}) {
    auto options = KafkaSource::ParseOptions({{"topic", "events"},
                                              {"properties.bootstrap.servers", "127.0.0.1:1"},
                                              {"scan.record.max-bytes", bad}});
    ASSERT_FALSE(options.ok()) << bad;
    EXPECT_NE(options.status().message().find("'scan.record.max-bytes'"), std::string::npos);
  }
  auto options = KafkaSource::ParseOptions({{"topic", "events"},
                                            {"properties.bootstrap.servers", "127.0.0.1:1"},
                                            {"scan.record.max-bytes", "1 mb"}});
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->record_max_bytes, 1 << 20);
}

// 'topic-pattern' subscribes to every topic whose whole name matches: orders.eu and orders.us,
// not other.orders (a match inside the name only) nor orders (no dot).
TEST_F(KafkaSourceTest, TopicPatternSubscribesToEveryMatchingTopic) {
  for (const char* topic : {"orders.eu", "orders.us", "other.orders", "orders"}) {
    ASSERT_TRUE(broker_.cluster().CreateTopic(topic, 1).ok());
  }
  int id = 0;
  for (const char* topic : {"orders.eu", "orders.us", "other.orders", "orders"}) {
    for (int i = 0; i < 3; ++i, ++id) {
      broker_.Produce(topic, 0, "k", "{\"id\":" + std::to_string(id) + ",\"name\":\"x\"}");
    }
  }
  broker_.Flush();
  auto source = MakeSource({{"topic-pattern", "orders\\..*"},
                            {"scan.startup.mode", "earliest-offset"},
                            {"properties.topic.metadata.refresh.interval.ms", "500"}});
  std::vector<Row> rows = PollRows(source.get(), 6);
  // Nothing else comes (other.orders and orders would have been fetched with the rest).
  for (const Row& r : PollRows(source.get(), 1, 4, nullptr, std::chrono::seconds(2))) {
    rows.push_back(r);
  }
  std::map<std::string, std::set<int64_t>> ids_by_topic;
  for (const Row& r : rows) ids_by_topic[r.topic].insert(r.id);
  EXPECT_EQ(ids_by_topic, (std::map<std::string, std::set<int64_t>>{{"orders.eu", {0, 1, 2}},
                                                                    {"orders.us", {3, 4, 5}}}));
}

TEST_F(KafkaSourceTest, TopicAndTopicPatternTogetherAreRefused) {
  auto options = KafkaSource::ParseOptions(
      {{"topic", "a"}, {"topic-pattern", "b.*"}, {"properties.bootstrap.servers", "127.0.0.1:1"}});
  EXPECT_FALSE(options.ok());
}

// The 'headers' metadata column is a JSON object of the message's headers in their order; a
// header without value is null, a message without headers gives {}.
TEST_F(KafkaSourceTest, HeadersMetadataIsAJsonObject) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("events", 1).ok());
  broker_.ProduceWithHeaders("events", 0, R"({"id":1,"name":"a"})",
                             {{"trace", "t-1"}, {"quote\"", "line\nbreak"}, {"none", "<null>"}});
  broker_.Produce("events", 0, "k", R"({"id":2,"name":"b"})");
  broker_.Flush();
  auto source = MakeSource({{"scan.startup.mode", "earliest-offset"}}, nullptr,
                           KafkaSource::MetadataKey::kHeaders);
  std::vector<Row> rows = PollRows(source.get(), 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].key, R"({"trace":"t-1","quote\"":"line\nbreak","none":null})");
  EXPECT_EQ(rows[1].key, "{}");
}

}  // namespace
}  // namespace sluice::connectors
