#include <gtest/gtest.h>

#include "connectors/formats/csv_decoder.h"
#include "connectors/formats/csv_encoder.h"
#include "connectors/formats/format_factory.h"

namespace sluice::connectors {
namespace {

SchemaPtr Stored() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"id", LogicalType::BigInt()},
      {"name", LogicalType::String()},
      {"price", LogicalType::Decimal(8, 2)},
      {"ts", LogicalType::Timestamp(3)},
  });
}

BatchPtr DecodeAll(runtime::RecordDecoder* decoder, SchemaPtr schema,
                   const std::vector<std::string>& lines, std::vector<Status>* statuses) {
  runtime::BatchBuilder builder(schema);
  for (const auto& line : lines) statuses->push_back(decoder->Decode(line, &builder));
  return builder.Finish();
}

TEST(CsvFormatTest, DecodesFieldsInOrderWithQuotes) {
  CsvDecoder decoder(Stored(), {0, 1, 2, 3}, 4, CsvOptions{});
  std::vector<Status> st;
  BatchPtr b = DecodeAll(&decoder, Stored(),
                         {R"(1,plain,12.5,2024-01-01 00:00:01)", R"(2,"a, ""quoted"" b",-0.01,)",
                          R"(3,,,1704067200000)"},
                         &st);
  for (const auto& s : st) ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(b->num_rows, 3u);
  EXPECT_EQ(b->column(0).ints()[1], 2);
  EXPECT_EQ(b->column(1).strings()[0], "plain");
  EXPECT_EQ(b->column(1).strings()[1], "a, \"quoted\" b");
  EXPECT_EQ(b->column(1).strings()[2], "");  // empty STRING is "", not NULL
  EXPECT_EQ(b->column(2).ints()[0], 1250);
  EXPECT_EQ(b->column(2).ints()[1], -1);
  EXPECT_TRUE(b->column(2).IsNull(2));  // empty DECIMAL is NULL
  EXPECT_EQ(b->column(3).ints()[0], 1704067201000);
  EXPECT_TRUE(b->column(3).IsNull(1));
  EXPECT_EQ(b->column(3).ints()[2], 1704067200000);
}

TEST(CsvFormatTest, ProjectionDecodesOnlyNeededColumns) {
  auto decoded = std::make_shared<Schema>(
      std::vector<Field>{{"price", LogicalType::Decimal(8, 2)}, {"id", LogicalType::BigInt()}});
  CsvDecoder decoder(decoded, {2, 0}, 4, CsvOptions{});
  std::vector<Status> st;
  BatchPtr b = DecodeAll(&decoder, decoded, {"7,not decoded,3.25,garbage-is-not-read"}, &st);
  ASSERT_TRUE(st[0].ok()) << st[0].ToString();
  EXPECT_EQ(b->column(0).ints()[0], 325);
  EXPECT_EQ(b->column(1).ints()[0], 7);
}

TEST(CsvFormatTest, BadRecordsAndOptions) {
  std::map<std::string, std::string> options = {
      {"format", "csv"}, {"csv.field-delimiter", ";"}, {"csv.null-literal", "\\N"}};
  auto decoder = FormatFactory::CreateDecoder(options, Stored(), {}, 4);
  ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
  std::vector<Status> st;
  BatchPtr b = DecodeAll(decoder->get(), Stored(),
                         {"1;x;1.00", "abc;x;1;", "4;\"open;1;", "5;\\N;\\N;\\N"}, &st);
  EXPECT_NE(st[0].message().find("expected 4 fields, got 3"), std::string::npos) << st[0].message();
  EXPECT_NE(st[1].message().find("'id'"), std::string::npos) << st[1].message();
  EXPECT_NE(st[1].message().find("BIGINT"), std::string::npos) << st[1].message();
  EXPECT_EQ(st[2].code(), StatusCode::kDataError);
  ASSERT_TRUE(st[3].ok()) << st[3].ToString();
  ASSERT_EQ(b->num_rows, 1u);
  EXPECT_EQ(b->column(0).ints()[0], 5);
  EXPECT_TRUE(b->column(1).IsNull(0));  // the null literal is NULL even for STRING
}

TEST(CsvFormatTest, IgnoreParseErrors) {
  CsvOptions o;
  o.ignore_parse_errors = true;
  CsvDecoder decoder(Stored(), {0, 1, 2, 3}, 4, o);
  std::vector<Status> st;
  BatchPtr b = DecodeAll(&decoder, Stored(), {"1,x", "abc,y,1,", "3,z,2,"}, &st);
  for (const auto& s : st) EXPECT_TRUE(s.ok());
  EXPECT_EQ(decoder.ignored_errors(), 2);
  ASSERT_EQ(b->num_rows, 2u);
  EXPECT_TRUE(b->column(0).IsNull(0));
  EXPECT_EQ(b->column(1).strings()[0], "y");
  EXPECT_EQ(b->column(0).ints()[1], 3);
}

TEST(CsvFormatTest, EncoderQuotesWhatNeedsIt) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"id", LogicalType::BigInt()},
                                                            {"name", LogicalType::String()},
                                                            {"price", LogicalType::Double()}});
  auto batch = std::make_shared<Batch>();
  batch->schema = schema;
  auto id = std::make_shared<Column>(LogicalType::BigInt());
  auto name = std::make_shared<Column>(LogicalType::String());
  auto price = std::make_shared<Column>(LogicalType::Double());
  id->AppendInt(1);
  name->AppendString("say \"hi\", ok");
  price->AppendDouble(2);
  id->AppendNull();
  name->AppendString("plain");
  price->AppendDouble(0.5);
  batch->columns = {id, name, price};
  batch->num_rows = 2;
  CsvEncoder encoder(CsvOptions{});
  std::string out;
  ASSERT_TRUE(encoder.Encode(*batch, 0, &out).ok());
  out += '\n';
  ASSERT_TRUE(encoder.Encode(*batch, 1, &out).ok());
  EXPECT_EQ(out, "1,\"say \"\"hi\"\", ok\",2.0\n,plain,0.5");
}

TEST(CsvFormatTest, FactoryRejectsUnknownOptions) {
  auto d =
      FormatFactory::CreateDecoder({{"format", "csv"}, {"csv.delimiter", ";"}}, Stored(), {}, 4);
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("csv.field-delimiter"), std::string::npos);
  auto e = FormatFactory::CreateDecoder({{"format", "avro"}}, Stored(), {}, 4);
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::connectors
