#include <gtest/gtest.h>

#include <cstdio>

#include "connectors/blackhole/blackhole_sink.h"
#include "connectors/builtin_connectors.h"
#include "connectors/filesystem/filesystem_sink.h"
#include "connectors/formats/json_encoder.h"
#include "connectors/print/print_sink.h"
#include "testing/temp_dir.h"

namespace sluice::connectors {
namespace {

using ::sluice::testing::TempDir;

// Rows: (1, "a\"b", 2.5, 12.30, 2024-01-01 00:00:01.5, true), (NULL, "x", NULL, -0.05, NULL, NULL)
BatchPtr SampleBatch(std::vector<RowKind> kinds = {}) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {"id", LogicalType::BigInt()},
      {"name", LogicalType::String()},
      {"price", LogicalType::Double()},
      {"amount", LogicalType::Decimal(10, 2)},
      {"ts", LogicalType::Timestamp(3)},
      {"ok", LogicalType::Boolean()},
  });
  auto id = std::make_shared<Column>(LogicalType::BigInt());
  auto name = std::make_shared<Column>(LogicalType::String());
  auto price = std::make_shared<Column>(LogicalType::Double());
  auto amount = std::make_shared<Column>(LogicalType::Decimal(10, 2));
  auto ts = std::make_shared<Column>(LogicalType::Timestamp(3));
  auto ok = std::make_shared<Column>(LogicalType::Boolean());
  id->AppendInt(1);
  name->AppendString("a\"b");
  price->AppendDouble(2.5);
  amount->AppendInt(1230);
  ts->AppendInt(1704067201500);
  ok->AppendBool(true);
  id->AppendNull();
  name->AppendString("x");
  price->AppendNull();
  amount->AppendInt(-5);
  ts->AppendNull();
  ok->AppendNull();
  auto batch = std::make_shared<Batch>();
  batch->schema = schema;
  batch->columns = {id, name, price, amount, ts, ok};
  batch->num_rows = 2;
  batch->row_kinds = std::move(kinds);
  return batch;
}

std::string ReadAll(std::FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

TEST(SinksTest, PrintWritesFlinkRowsAtCommit) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  PrintSink sink(f, "orders");
  ASSERT_TRUE(sink.Open().ok());
  ASSERT_TRUE(
      sink.Write(EpochId(1), 0, *SampleBatch({RowKind::kUpdateBefore, RowKind::kDelete})).ok());
  EXPECT_EQ(ReadAll(f), "");  // nothing before the epoch commits
  ASSERT_TRUE(sink.CommitEpoch(EpochId(1)).ok());
  EXPECT_EQ(ReadAll(f),
            "orders> -U[1, a\"b, 2.5, 12.30, 2024-01-01 00:00:01.500, true]\n"
            "orders> -D[null, x, null, -0.05, null, null]\n");
  std::fclose(f);
}

TEST(SinksTest, PrintWithoutIdentifierWritesInserts) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  PrintSink sink(f, "");
  ASSERT_TRUE(sink.Write(EpochId(1), 0, *SampleBatch()).ok());
  ASSERT_TRUE(sink.Close().ok());
  EXPECT_EQ(ReadAll(f),
            "+I[1, a\"b, 2.5, 12.30, 2024-01-01 00:00:01.500, true]\n"
            "+I[null, x, null, -0.05, null, null]\n");
  EXPECT_NE(sink.Describe().find("at-least-once"), std::string::npos);
  std::fclose(f);
}

TEST(SinksTest, FilesystemSinkAppendsJsonLinesAndCreatesDirectories) {
  TempDir dir;
  std::string path = dir.path() + "/out/nested/result.json";
  FilesystemSink sink(path, "json",
                      std::make_unique<JsonEncoder>(
                          std::vector<std::string>{"id", "name", "price", "amount", "ts", "ok"}));
  ASSERT_TRUE(sink.Open().ok());
  ASSERT_TRUE(sink.Write(EpochId(1), 0, *SampleBatch()).ok());
  ASSERT_TRUE(sink.CommitEpoch(EpochId(1)).ok());
  const std::string expected =
      R"({"id":1,"name":"a\"b","price":2.5,"amount":12.30,"ts":"2024-01-01 00:00:01.500","ok":true})"
      "\n"
      R"({"id":null,"name":"x","price":null,"amount":-0.05,"ts":null,"ok":null})"
      "\n";
  EXPECT_EQ(TempDir::Read(path), expected);
  ASSERT_TRUE(sink.Write(EpochId(2), 0, *SampleBatch()).ok());
  ASSERT_TRUE(sink.Close().ok());
  EXPECT_EQ(TempDir::Read(path), expected + expected);
  EXPECT_EQ(sink.Describe(), "filesystem " + path + " (json), at-least-once");
}

TEST(SinksTest, BlackholeCounts) {
  BlackholeSink sink;
  ASSERT_TRUE(sink.Write(EpochId(1), 0, *SampleBatch()).ok());
  ASSERT_TRUE(sink.Write(EpochId(1), 1, *SampleBatch()).ok());
  EXPECT_EQ(sink.rows(), 4);
}

TEST(SinksTest, RegistryKnowsBuiltinConnectors) {
  runtime::ConnectorRegistry registry;
  RegisterBuiltinConnectors(&registry);
  EXPECT_TRUE(registry.HasSource("datagen"));
  EXPECT_TRUE(registry.HasSource("filesystem"));
  EXPECT_TRUE(registry.HasSink("filesystem"));
  EXPECT_TRUE(registry.HasSink("print"));
  EXPECT_TRUE(registry.HasSink("blackhole"));
  runtime::SinkContext context;  // a bare SELECT: no table, printed to stdout
  context.input_schema = SampleBatch()->schema;
  context.sink_name = "select";
  auto sink = registry.CreateSink(context);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  EXPECT_EQ((*sink)->Describe(), "print to stdout, at-least-once");
}

}  // namespace
}  // namespace sluice::connectors
