// Feeds the JSON, CSV and debezium-json decoders many deterministic random mutations of valid
// records. Each record must either become its rows (exactly one for JSON and CSV; 0 to 2 for a
// Debezium event) or be rejected with a kDataError; nothing may crash, and a rejected record must
// leave no partial row behind.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "connectors/formats/format_factory.h"
#include "runtime/record_decoder.h"

namespace sluice::connectors {
namespace {

SchemaPtr OrdersSchema() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"order_id", LogicalType::BigInt()},
      {"symbol", LogicalType::String()},
      {"quantity", LogicalType::Int()},
      {"price", LogicalType::Decimal(10, 2)},
      {"ratio", LogicalType::Double()},
      {"filled", LogicalType::Boolean()},
      {"ts", LogicalType::Timestamp(3)},
      {"day", LogicalType::Date()},
  });
}

std::string Mutate(const std::string& seed, std::mt19937_64* rng) {
  static const std::string kAlphabet = "{}[]\":,0123456789.eE+-tfnul\\ abcZT\x01\xff";
  std::string s = seed;
  int edits = 1 + static_cast<int>((*rng)() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t pos = s.empty() ? 0 : (*rng)() % s.size();
    switch ((*rng)() % 4) {
      case 0:
        if (!s.empty()) s.erase(pos, 1 + (*rng)() % 3);
        break;
      case 1:
        s.insert(pos, 1, kAlphabet[(*rng)() % kAlphabet.size()]);
        break;
      case 2:
        if (!s.empty()) s[pos] = kAlphabet[(*rng)() % kAlphabet.size()];
        break;
      case 3:
        s = s.substr(0, pos);
        break;
    }
  }
  return s;
}

SchemaPtr EventSchema() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"id", LogicalType::BigInt()},
      {"name", LogicalType::String()},
      {"price", LogicalType::Decimal(10, 2)},
      {"ts", LogicalType::Timestamp(3)},
      {"day", LogicalType::Date()},
      {"op", LogicalType::String()},
      {"source_ts", LogicalType::TimestampLtz(3)},
  });
}

// Like FuzzDecoder, for a changelog format: an event gives 0 (tombstone), 1 (+I, -D) or 2
// (-U, +U) rows, and row kinds stay aligned with the rows.
void FuzzChangelogDecoder(const std::map<std::string, std::string>& options,
                          const std::vector<std::string>& seeds) {
  SchemaPtr schema = EventSchema();
  const std::vector<std::string> metadata = {"", "", "", "", "", "op", "value.source.timestamp"};
  auto decoder = FormatFactory::CreateDecoder(options, schema, {}, schema->size(), metadata);
  ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
  runtime::BatchBuilder builder(schema);
  std::mt19937_64 rng(20261123);
  size_t accepted = 0;
  size_t rows = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string record =
        i < static_cast<int>(seeds.size()) ? seeds[i] : Mutate(seeds[i % seeds.size()], &rng);
    const size_t before = builder.num_rows();
    Status s = (*decoder)->Decode(record, &builder);
    if (s.ok()) {
      ASSERT_LE(builder.num_rows() - before, 2u) << record;
      accepted += builder.num_rows() > before;
    } else {
      ASSERT_EQ(s.code(), StatusCode::kDataError) << record << ": " << s.ToString();
      ASSERT_FALSE(s.message().empty());
      ASSERT_EQ(builder.num_rows(), before) << record;
    }
    if (builder.num_rows() >= 1000 || i + 1 == 20000) {
      BatchPtr batch = builder.Finish();
      rows += batch->num_rows;
      for (const auto& column : batch->columns) ASSERT_EQ(column->size(), batch->num_rows);
      if (!batch->row_kinds.empty()) {
        ASSERT_EQ(batch->row_kinds.size(), batch->num_rows);
      }
    }
  }
  EXPECT_GT(accepted, 100u);  // the seeds themselves and many mutations decode
  EXPECT_GE(rows, accepted);
}

void FuzzDecoder(const std::map<std::string, std::string>& options,
                 const std::vector<std::string>& seeds) {
  SchemaPtr schema = OrdersSchema();
  auto decoder = FormatFactory::CreateDecoder(options, schema, {}, schema->size());
  ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
  runtime::BatchBuilder builder(schema);
  std::mt19937_64 rng(20261123);
  size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string record = Mutate(seeds[i % seeds.size()], &rng);
    Status s = (*decoder)->Decode(record, &builder);
    if (s.ok()) {
      ++accepted;
    } else {
      ASSERT_EQ(s.code(), StatusCode::kDataError) << record << ": " << s.ToString();
      ASSERT_FALSE(s.message().empty());
    }
    ASSERT_EQ(builder.num_rows(), accepted) << record;
    if (builder.num_rows() >= 1000) {
      BatchPtr batch = builder.Finish();
      for (const auto& column : batch->columns) ASSERT_EQ(column->size(), batch->num_rows);
      accepted = 0;
    }
  }
  BatchPtr batch = builder.Finish();
  for (const auto& column : batch->columns) ASSERT_EQ(column->size(), batch->num_rows);
}

TEST(DecoderFuzzTest, JsonDecoderRejectsOrAcceptsEveryMutation) {
  FuzzDecoder({{"format", "json"}},
              {R"({"order_id": 1, "symbol": "A", "quantity": 3, "price": 10.25, "ratio": 1e-3, )"
               R"("filled": true, "ts": "2024-01-01T00:00:01+09:00", "day": "2024-02-29"})",
               R"({"order_id": -9223372036854775808, "symbol": "\u00e9\n", "quantity": null, )"
               R"("price": "99999999.99", "ratio": -0.0, "filled": false, "ts": 1700000000123})"});
}

TEST(DecoderFuzzTest, JsonDecoderWithRequiredFieldsRejectsOrAccepts) {
  FuzzDecoder({{"format", "json"}, {"json.fail-on-missing-field", "true"}},
              {R"({"order_id": 1, "symbol": "A", "quantity": 3, "price": 10.25, "ratio": 2.5, )"
               R"("filled": true, "ts": "2024-01-01 00:00:01.5", "day": "1970-01-01"})"});
}

TEST(DecoderFuzzTest, CsvDecoderRejectsOrAcceptsEveryMutation) {
  FuzzDecoder({{"format", "csv"}},
              {"1,A,3,10.25,0.001,true,2024-01-01 00:00:01.000,2024-02-29",
               R"(2,"B,""quoted""",,-1.5,-0.0,false,2024-01-01T00:00:00Z,1999-12-31)"});
}

TEST(DecoderFuzzTest, DebeziumJsonDecoderRejectsOrDecodesEveryMutation) {
  FuzzChangelogDecoder(
      {{"format", "debezium-json"}},
      {R"({"before": null, "after": {"id": 1, "name": "a", "price": "1.50", "ts": 1704067200000, )"
       R"("day": 19723}, "source": {"ts_ms": 1704067200000, "db": "d"}, "op": "c", "ts_ms": 1})",
       R"({"before": {"id": 1, "name": "a", "price": 1.5, "ts": 1704067200000123, "day": 1}, )"
       R"("after": {"id": 1, "name": "\u00e9", "price": "2", "ts": "2024-01-01T00:00:00Z", )"
       R"("day": "2024-01-01"}, "source": {"ts_ms": 5}, "op": "u"})",
       R"({"before": {"id": 2, "name": null, "price": null, "ts": null, "day": null}, )"
       R"("after": null, "op": "d"})",
       "null"});
}

TEST(DecoderFuzzTest, DebeziumJsonWithSchemaRejectsOrDecodesEveryMutation) {
  FuzzChangelogDecoder(
      {{"format", "debezium-json"}, {"debezium-json.schema-include", "true"}},
      {R"({"schema": {"type": "struct", "fields": [{"field": "after", "type": "struct", )"
       R"("fields": [{"field": "price", "type": "bytes", "name": )"
       R"("org.apache.kafka.connect.data.Decimal", "parameters": {"scale": "2"}}, {"field": )"
       R"("ts", "type": "int64", "name": "io.debezium.time.MicroTimestamp"}]}]}, "payload": )"
       R"({"before": null, "after": {"id": 7, "price": "MDk=", "ts": 1704067200123456}, )"
       R"("op": "r", "source": {"ts_ms": 1704067200000}}})",
       R"({"schema": null, "payload": null})"});
}

}  // namespace
}  // namespace sluice::connectors
