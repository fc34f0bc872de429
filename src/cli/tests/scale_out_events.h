#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "connectors/kafka/kafka_client_config.h"

namespace sluice::cli::testing {

/// The events of the scale-out tests (scale_out_partial_test.cc, scale_out_repartition_test.cc)
/// and the windows they must give. Event `id` has a user (the message key, which picks the
/// partition), a group key (one of kKeys, not the message key) and a value unique to it (so no
/// two ranges of events give identical rows), 5 ms of event time after the one before.
struct ScaleOutEvents {
  static constexpr int kKeys = 13;
  static constexpr int64_t kStartMs = 1717200000000;  // 2024-06-01T00:00:00Z

  static int64_t UserOf(int id) { return (static_cast<int64_t>(id) * 7919) % 1000; }
  static std::string KeyOf(int id) { return fmt::format("k{}", id % kKeys); }
  static int64_t ValueOf(int id) { return static_cast<int64_t>(id) * 1000 + id % 997; }
  static int64_t TimeOf(int id) { return kStartMs + static_cast<int64_t>(id) * 5; }

  /// The event as the tests' tables read it.
  static std::string Json(int id) {
    return fmt::format("{{\"id\":{},\"user_id\":{},\"k\":\"{}\",\"v\":{},\"ts\":{}}}", id,
                       UserOf(id), KeyOf(id), ValueOf(id), TimeOf(id));
  }

  /// The 10-second TUMBLE windows of events [0, events) per key, as TabSeparated rows ordered by
  /// key and window: key, window start (Unix seconds), count, sum, min and max of the values.
  static std::string ExpectedWindows(int events) {
    struct Totals {
      int64_t n = 0, total = 0, lo = INT64_MAX, hi = INT64_MIN;
    };
    std::map<std::pair<std::string, int64_t>, Totals> windows;
    for (int id = 0; id < events; ++id) {
      Totals& t = windows[{KeyOf(id), TimeOf(id) / 10000 * 10}];
      ++t.n;
      t.total += ValueOf(id);
      t.lo = std::min(t.lo, ValueOf(id));
      t.hi = std::max(t.hi, ValueOf(id));
    }
    std::string out;
    for (const auto& [key, t] : windows) {
      out +=
          fmt::format("{}\t{}\t{}\t{}\t{}\t{}\n", key.first, key.second, t.n, t.total, t.lo, t.hi);
    }
    return out;
  }

  /// Commits offset 0 of every partition of `topic` for `group`, as a consumer outside it: with
  /// 'properties.auto.offset.reset' = 'error' a reset (the broker dropped data) fails the run.
  static void CommitOffsetZero(const std::string& brokers, const std::string& group,
                               const std::string& topic, int partitions) {
    auto conf = connectors::KafkaClientConfig::Build(
        {{"bootstrap.servers", brokers}, {"group.id", group}}, {});
    ASSERT_TRUE(conf.ok());
    auto consumer =
        connectors::KafkaClientConfig::CreateClient(RD_KAFKA_CONSUMER, std::move(*conf));
    ASSERT_TRUE(consumer.ok());
    connectors::RdKafkaPartitionList list(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = 0;
    }
    ASSERT_EQ(rd_kafka_commit(consumer->get(), list.get(), /*async=*/0),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_consumer_close(consumer->get());
  }
};

}  // namespace sluice::cli::testing
