#include "connectors/kafka/kafka_sink.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <set>
#include <string>
#include <vector>

#include "connectors/formats/format_factory.h"
#include "connectors/tests/kafka_test_broker.h"

namespace sluice::connectors {
namespace {

class KafkaSinkTest : public ::testing::Test {
 protected:
  // Rows (id BIGINT, name STRING) = (1, "a"), (2, "b"), ... for ids from..to-1.
  static Batch MakeBatch(int from, int to) {
    Batch b;
    b.schema = schema();
    auto id = std::make_shared<Column>(LogicalType::BigInt());
    auto name = std::make_shared<Column>(LogicalType::String());
    for (int i = from; i < to; ++i) {
      id->AppendInt(i);
      name->AppendString(std::string(1, static_cast<char>('a' + i - 1)));
    }
    b.columns = {id, name};
    b.num_rows = static_cast<size_t>(to - from);
    return b;
  }
  static SchemaPtr schema() {
    return std::make_shared<Schema>(
        std::vector<Field>{{"id", LogicalType::BigInt()}, {"name", LogicalType::String()}});
  }

  std::unique_ptr<KafkaSink> MakeSink(KafkaSink::Partitioner partitioner, bool keyed,
                                      const std::string& transactional_id = "") {
    KafkaSink::Options options;
    options.transactional_id = transactional_id;
    options.marker_topic = "out.sluice-epochs";
    options.marker_key = "p/out";
    options.topic = "out";
    options.properties = {{"bootstrap.servers", broker_.bootstraps()}};
    options.partitioner = partitioner;
    if (keyed) options.key_fields = {0};
    auto value = FormatFactory::CreateEncoder({{"format", "json"}}, {"id", "name"});
    EXPECT_TRUE(value.ok());
    std::unique_ptr<runtime::RecordEncoder> key;
    if (keyed) key = std::move(*FormatFactory::CreateEncoder({{"format", "json"}}, {"id"}));
    auto sink = std::make_unique<KafkaSink>(std::move(options), std::move(*value), std::move(key),
                                            schema());
    Status open = sink->Open();
    EXPECT_TRUE(open.ok()) << open.message();
    return sink;
  }

  KafkaTestBroker broker_;
};

TEST_F(KafkaSinkTest, WritesRowsAsJsonThatAConsumerReadsBack) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("out", 2).ok());
  auto sink = MakeSink(KafkaSink::Partitioner::kRoundRobin, /*keyed=*/true);
  ASSERT_TRUE(sink->Write(EpochId(1), 0, MakeBatch(1, 5)).ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());
  EXPECT_EQ(sink->delivered(), 4);
  auto messages = broker_.ReadBack("out", 2, 4);
  ASSERT_EQ(messages.size(), 4u);
  std::set<std::string> values;
  for (const auto& m : messages) {
    values.insert(m.value);
    // Round robin: rows 1 and 3 to partition 0, rows 2 and 4 to partition 1.
    if (m.value == R"({"id":1,"name":"a"})") {
      EXPECT_EQ(m.partition, 0);
      EXPECT_EQ(m.key, R"({"id":1})");
    }
    if (m.value == R"({"id":4,"name":"d"})") {
      EXPECT_EQ(m.partition, 1);
    }
  }
  EXPECT_EQ(values, (std::set<std::string>{R"({"id":1,"name":"a"})", R"({"id":2,"name":"b"})",
                                           R"({"id":3,"name":"c"})", R"({"id":4,"name":"d"})"}));
  ASSERT_TRUE(sink->Close().ok());
}

TEST_F(KafkaSinkTest, ProduceErrorsAreRetriedWithoutLossOrDuplicates) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("out", 1).ok());
  auto sink = MakeSink(KafkaSink::Partitioner::kFixed, /*keyed=*/false);
  rd_kafka_mock_push_request_errors(
      broker_.cluster().cluster(), 0 /* Produce */, 3, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  ASSERT_TRUE(sink->Write(EpochId(1), 0, MakeBatch(1, 6)).ok());
  Status commit = sink->CommitEpoch(EpochId(1));
  ASSERT_TRUE(commit.ok()) << commit.message();
  auto messages = broker_.ReadBack("out", 1, 6, /*wait_seconds=*/2);
  ASSERT_EQ(messages.size(), 5u);  // no sixth message shows up: nothing duplicated
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].offset, static_cast<int64_t>(i));  // in order, nothing lost
    EXPECT_EQ(messages[i].value, "{\"id\":" + std::to_string(i + 1) + ",\"name\":\"" +
                                     std::string(1, static_cast<char>('a' + i)) + "\"}");
  }
}

// The values of `messages`, in partition order, then offset order.
std::vector<std::string> Values(const std::vector<ReadBackMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.value);
  return out;
}

std::string Row(int id) {
  return "{\"id\":" + std::to_string(id) + ",\"name\":\"" + std::string(1, 'a' + id - 1) + "\"}";
}

TEST_F(KafkaSinkTest, ExactlyOnceCommitsEachEpochWithItsMarker) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("out", 1).ok());
  ASSERT_TRUE(broker_.cluster().CreateTopic("out.sluice-epochs", 1).ok());
  auto sink = MakeSink(KafkaSink::Partitioner::kFixed, /*keyed=*/false, "sluice-p-out");
  EXPECT_EQ(sink->committed_marker().epoch, -1);
  EXPECT_NE(sink->Describe().find("exactly-once"), std::string::npos) << sink->Describe();
  ASSERT_TRUE(sink->Write(EpochId(1), 0, MakeBatch(1, 3)).ok());
  ASSERT_TRUE(sink->Write(EpochId(1), 1, MakeBatch(3, 4)).ok());
  Status commit = sink->CommitEpoch(EpochId(1));
  ASSERT_TRUE(commit.ok()) << commit.message();
  ASSERT_TRUE(sink->CommitEpoch(EpochId(2)).ok());  // an epoch without rows: no transaction
  EXPECT_EQ(Values(broker_.ReadToEnd("out", 1)),
            (std::vector<std::string>{Row(1), Row(2), Row(3)}));
  auto markers = broker_.ReadToEnd("out.sluice-epochs", 1);
  ASSERT_EQ(markers.size(), 1u);
  EXPECT_EQ(markers[0].key, "p/out");
  EXPECT_EQ(markers[0].value.substr(0, 4), "1 3 ");  // epoch 1, three messages, their hash
  ASSERT_TRUE(sink->Close().ok());
}

TEST_F(KafkaSinkTest, ExactlyOnceSkipsAReplayedEpochThatKafkaAlreadyCommitted) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("out", 1).ok());
  ASSERT_TRUE(broker_.cluster().CreateTopic("out.sluice-epochs", 1).ok());
  {
    auto sink = MakeSink(KafkaSink::Partitioner::kFixed, /*keyed=*/false, "sluice-p-out");
    ASSERT_TRUE(sink->Write(EpochId(7), 0, MakeBatch(1, 3)).ok());
    ASSERT_TRUE(sink->CommitEpoch(EpochId(7)).ok());
    ASSERT_TRUE(sink->Write(EpochId(8), 0, MakeBatch(3, 5)).ok());
    ASSERT_TRUE(sink->CommitEpoch(EpochId(8)).ok());
    // Gone before sluice logged epoch 8's commit: the restarted pipeline replays epoch 8.
  }
  auto sink = MakeSink(KafkaSink::Partitioner::kFixed, /*keyed=*/false, "sluice-p-out");
  EXPECT_EQ(sink->committed_marker().epoch, 8);
  EXPECT_EQ(sink->committed_marker().count, 2);
  ASSERT_TRUE(sink->Write(EpochId(8), 0, MakeBatch(3, 5)).ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(8)).ok());
  EXPECT_EQ(sink->epochs_skipped(), 1);
  ASSERT_TRUE(sink->Write(EpochId(9), 0, MakeBatch(5, 6)).ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(9)).ok());
  EXPECT_EQ(Values(broker_.ReadToEnd("out", 1)),
            (std::vector<std::string>{Row(1), Row(2), Row(3), Row(4), Row(5)}));
}

TEST_F(KafkaSinkTest, ExactlyOnceWritesAnEpochWhoseNumberRepeatsWithOtherRows) {
  // A fresh start (state dropped) numbers epochs from 1 again: equal numbers, other rows.
  ASSERT_TRUE(broker_.cluster().CreateTopic("out", 1).ok());
  ASSERT_TRUE(broker_.cluster().CreateTopic("out.sluice-epochs", 1).ok());
  {
    auto sink = MakeSink(KafkaSink::Partitioner::kFixed, /*keyed=*/false, "sluice-p-out");
    ASSERT_TRUE(sink->Write(EpochId(1), 0, MakeBatch(1, 3)).ok());
    ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());
  }
  auto sink = MakeSink(KafkaSink::Partitioner::kFixed, /*keyed=*/false, "sluice-p-out");
  EXPECT_EQ(sink->committed_marker().epoch, 1);
  ASSERT_TRUE(sink->Write(EpochId(1), 0, MakeBatch(3, 4)).ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());
  EXPECT_EQ(sink->epochs_skipped(), 0);
  EXPECT_EQ(Values(broker_.ReadToEnd("out", 1)),
            (std::vector<std::string>{Row(1), Row(2), Row(3)}));
}

}  // namespace
}  // namespace sluice::connectors
