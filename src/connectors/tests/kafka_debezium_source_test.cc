// debezium-json from Kafka: an update message gives -U and +U rows that both carry the message's
// Kafka metadata, tombstones (empty values after a delete) give nothing, and format metadata
// ('value.source.table') is filled by the decoder beside the connector's own ('offset').

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "connectors/formats/format_factory.h"
#include "connectors/kafka/kafka_source.h"
#include "connectors/tests/kafka_test_broker.h"

namespace sluice::connectors {
namespace {

TEST(KafkaDebeziumSourceTest, ChangelogRowsCarryKafkaAndFormatMetadata) {
  KafkaTestBroker broker;
  ASSERT_TRUE(broker.cluster().CreateTopic("cdc", 1).ok());
  const std::string src = R"("source": {"table": "orders", "ts_ms": 5})";
  broker.Produce("cdc", 0, "1", R"({"before": null, "after": {"id": 1}, "op": "c", )" + src + "}");
  broker.Produce("cdc", 0, "1",
                 R"({"before": {"id": 1}, "after": {"id": 2}, "op": "u", )" + src + "}");
  broker.Produce("cdc", 0, "1", R"({"before": {"id": 2}, "after": null, "op": "d", )" + src + "}");
  broker.Produce("cdc", 0, "1", "");  // the tombstone Debezium sends after a delete
  broker.Flush();
  std::map<std::string, std::string> table = {{"topic", "cdc"},
                                              {"properties.bootstrap.servers", broker.bootstraps()},
                                              {"scan.startup.mode", "earliest-offset"},
                                              {"value.format", "debezium-json"},
                                              {"format", "debezium-json"}};
  auto options = KafkaSource::ParseOptions(table);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  // id BIGINT, tbl STRING METADATA FROM 'value.source.table', off BIGINT METADATA FROM 'offset'
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"id", LogicalType::BigInt()},
                                                            {"tbl", LogicalType::String()},
                                                            {"off", LogicalType::BigInt()}});
  auto decoded = std::make_shared<Schema>(std::vector<Field>{schema->field(0), schema->field(1)});
  auto decoder = FormatFactory::CreateDecoder(table, decoded, {}, 2, {"", "value.source.table"});
  ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
  KafkaSource source("cdc", std::move(*options), schema, std::move(*decoder),
                     {{2, KafkaSource::MetadataKey::kOffset}}, nullptr);
  ASSERT_TRUE(source.Open().ok());
  std::vector<RowKind> kinds;
  std::vector<int64_t> ids, offsets;
  std::vector<std::string> tables;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int64_t next_offset = 0;
  while (next_offset < 4 && std::chrono::steady_clock::now() < deadline) {
    auto polled = source.Poll(100);
    ASSERT_TRUE(polled.ok()) << polled.status().ToString();
    if (!polled->has_value()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    const Batch& b = *(*polled)->batch;
    ASSERT_EQ(b.column(0).size(), b.num_rows);
    ASSERT_EQ(b.column(2).size(), b.num_rows);
    for (size_t r = 0; r < b.num_rows; ++r) {
      kinds.push_back(b.row_kind(r));
      ids.push_back(b.column(0).ints()[r]);
      tables.emplace_back(b.column(1).strings()[r]);
      offsets.push_back(b.column(2).ints()[r]);
    }
    const std::string& end = (*polled)->end_position;  // topic:partition:first:next
    next_offset = std::stoll(end.substr(end.rfind(':') + 1));
  }
  EXPECT_EQ(kinds, (std::vector<RowKind>{RowKind::kInsert, RowKind::kUpdateBefore,
                                         RowKind::kUpdateAfter, RowKind::kDelete}));
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 1, 2, 2}));
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 1, 1, 2}));  // the tombstone (3) gives no row
  EXPECT_EQ(tables, (std::vector<std::string>(4, "orders")));
  EXPECT_EQ(source.bad_records(), 0);
}

}  // namespace
}  // namespace sluice::connectors
