// Feeds the JSON and CSV decoders many deterministic random mutations of valid records. Each
// record must either become exactly one row or be rejected with a kDataError; nothing may crash,
// and a rejected record must leave no partial row behind.

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

}  // namespace
}  // namespace sluice::connectors
