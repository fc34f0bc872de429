#include "connectors/formats/json_encoder.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sluice::connectors {
namespace {

TEST(JsonEncoderTest, RendersTypesAsFlinkDoes) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {"d", LogicalType::Date()},
      {"ltz", LogicalType::TimestampLtz(3)},
      {"nan", LogicalType::Double()},
      {"s", LogicalType::String()},
      {"n", LogicalType::Int()},
  });
  auto d = std::make_shared<Column>(LogicalType::Date());
  auto ltz = std::make_shared<Column>(LogicalType::TimestampLtz(3));
  auto nan = std::make_shared<Column>(LogicalType::Double());
  auto s = std::make_shared<Column>(LogicalType::String());
  auto n = std::make_shared<Column>(LogicalType::Int());
  d->AppendInt(19724);  // 2024-01-02
  ltz->AppendInt(0);
  nan->AppendDouble(NAN);
  s->AppendString("tab\there\nnl\x01");
  n->AppendInt(-7);
  Batch batch;
  batch.schema = schema;
  batch.columns = {d, ltz, nan, s, n};
  batch.num_rows = 1;
  JsonEncoder encoder({"d", "ltz", "nan", "s", "n"});
  std::string out;
  encoder.Encode(batch, 0, &out);
  EXPECT_EQ(out, R"({"d":"2024-01-02","ltz":"1970-01-01 00:00:00.000Z","nan":"NaN",)"
                 R"("s":"tab\there\nnl\u0001","n":-7})");
}

}  // namespace
}  // namespace sluice::connectors
