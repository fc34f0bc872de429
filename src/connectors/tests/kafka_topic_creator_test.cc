#include "connectors/kafka/kafka_topic_creator.h"

#include <gtest/gtest.h>

#include "connectors/kafka/kafka_client_config.h"
#include "connectors/tests/kafka_test_broker.h"

namespace sluice::connectors {
namespace {

class KafkaTopicCreatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto conf = KafkaClientConfig::Build({{"bootstrap.servers", broker_.bootstraps()}}, {});
    ASSERT_TRUE(conf.ok());
    auto client = KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(*conf));
    ASSERT_TRUE(client.ok()) << client.status().message();
    client_ = std::move(*client);
  }

  // Returns the partition count the cluster reports for `topic` (0: no such topic).
  int Partitions(const std::string& topic) {
    const rd_kafka_metadata_t* metadata = nullptr;
    EXPECT_EQ(rd_kafka_metadata(client_.get(), 1, nullptr, &metadata, 10'000), 0);
    int count = 0;
    for (int i = 0; metadata != nullptr && i < metadata->topic_cnt; ++i) {
      if (topic == metadata->topics[i].topic) count = metadata->topics[i].partition_cnt;
    }
    if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
    return count;
  }

  KafkaTestBroker broker_;
  RdKafkaHandle client_;
};

// The development broker has no CreateTopics (librdkafka's mock cluster does not implement
// the Admin API), so creating a topic is not tested here; finding one is.
TEST_F(KafkaTopicCreatorTest, LeavesATopicThatExistsAsItIs) {
  ASSERT_TRUE(broker_.cluster().CreateTopic("in", 12).ok());
  ASSERT_TRUE(broker_.cluster().CreateTopic("p.out.repartition", 12).ok());
  Status ensured = KafkaTopicCreator::Ensure(client_.get(), "p.out.repartition", 3, "");
  ASSERT_TRUE(ensured.ok()) << ensured.message();
  ensured = KafkaTopicCreator::Ensure(client_.get(), "p.out.repartition", 0, "in");
  ASSERT_TRUE(ensured.ok()) << ensured.message();
  EXPECT_EQ(Partitions("p.out.repartition"), 12);
}

TEST_F(KafkaTopicCreatorTest, RefusesToGuessThePartitionCountOfAMissingTopic) {
  Status created = KafkaTopicCreator::Ensure(client_.get(), "p.out.repartition", 0, "missing");
  EXPECT_FALSE(created.ok());
  EXPECT_NE(created.message().find("topic 'missing', which the cluster does not have"),
            std::string::npos)
      << created.message();
  EXPECT_EQ(Partitions("p.out.repartition"), 0);
}

}  // namespace
}  // namespace sluice::connectors
