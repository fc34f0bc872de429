#include "connectors/filesystem/filesystem_source.h"

#include <gtest/gtest.h>

#include "connectors/formats/json_decoder.h"
#include "testing/temp_dir.h"

namespace sluice::connectors {
namespace {

using ::sluice::testing::TempDir;

SchemaPtr IdName() {
  return std::make_shared<Schema>(
      std::vector<Field>{{"id", LogicalType::BigInt()}, {"name", LogicalType::String()}});
}

std::unique_ptr<FilesystemSource> Make(const std::string& path,
                                       runtime::BadRecordReporter* reporter,
                                       size_t chunk_bytes = 1 << 20) {
  auto source = std::make_unique<FilesystemSource>(
      "events", path, IdName(), std::make_unique<JsonDecoder>(IdName(), JsonDecodeOptions{}),
      reporter, chunk_bytes);
  Status s = source->Open();
  EXPECT_TRUE(s.ok()) << s.ToString();
  return source;
}

std::string Line(int id) {
  return "{\"id\": " + std::to_string(id) + ", \"name\": \"name-" + std::to_string(id) + "\"}\n";
}

std::vector<int64_t> Ids(const Batch& b) { return b.column(0).ints(); }

TEST(FilesystemSourceTest, DirectoryFilesAreSplitsReadRoundRobin) {
  TempDir dir;
  dir.Write("b.json", Line(10) + Line(11) + Line(12));
  dir.Write("a.json", Line(1) + Line(2) + Line(3));
  dir.Write(".hidden.json", Line(99));
  dir.Write("_in-progress.json", Line(98));
  runtime::BadRecordReporter reporter;
  auto source = Make(dir.path(), &reporter);
  ASSERT_EQ(source->num_splits(), 2u);
  EXPECT_EQ(source->split_name(SplitId(0)), "a.json");
  EXPECT_EQ(source->split_name(SplitId(1)), "b.json");
  std::vector<std::pair<int64_t, std::vector<int64_t>>> seen;
  while (!source->Finished()) {
    auto polled = source->Poll(2);
    ASSERT_TRUE(polled.ok()) << polled.status().ToString();
    ASSERT_TRUE(polled->has_value());
    seen.push_back({(*polled)->split.value(), Ids(*(*polled)->batch)});
  }
  std::vector<std::pair<int64_t, std::vector<int64_t>>> expected = {
      {0, {1, 2}}, {1, {10, 11}}, {0, {3}}, {1, {12}}};
  EXPECT_EQ(seen, expected);
  auto after = source->Poll(2);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value());
}

TEST(FilesystemSourceTest, ChunkedReadingOfLinesLongerThanTheChunk) {
  TempDir dir;
  std::string content;
  for (int i = 0; i < 500; ++i) content += Line(i);
  content += "{\"id\": 500, \"name\": \"" + std::string(300, 'x') + "\"}";  // no final newline
  std::string file = dir.Write("big.json", content);
  runtime::BadRecordReporter reporter;
  auto source = Make(file, &reporter, /*chunk_bytes=*/16);
  std::vector<int64_t> ids;
  std::string last_position;
  while (!source->Finished()) {
    auto polled = source->Poll(64);
    ASSERT_TRUE(polled.ok() && polled->has_value());
    for (int64_t id : Ids(*(*polled)->batch)) ids.push_back(id);
    last_position = (*polled)->end_position;
  }
  ASSERT_EQ(ids.size(), 501u);
  for (int i = 0; i <= 500; ++i) EXPECT_EQ(ids[i], i);
  EXPECT_EQ(last_position, std::to_string(content.size()));
  EXPECT_EQ(reporter.count(), 0);
}

TEST(FilesystemSourceTest, ReadUntilReplaysLoggedBatches) {
  TempDir dir;
  dir.Write("a.json", Line(1) + "\n" + Line(2) + "oops\r\n" + Line(3) + Line(4));
  dir.Write("b.json", Line(5) + Line(6));
  runtime::BadRecordReporter reporter;
  auto live = Make(dir.path(), &reporter, 8);
  auto replay = Make(dir.path(), &reporter, 8);
  std::vector<runtime::SourceBatch> log;
  while (!live->Finished()) {
    auto polled = live->Poll(2);
    ASSERT_TRUE(polled.ok() && polled->has_value());
    log.push_back(**polled);
  }
  for (const auto& logged : log) {
    auto again = replay->ReadUntil(logged.split, logged.end_position);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(Ids(*again->batch), Ids(*logged.batch));
    EXPECT_EQ(again->batch->column(1).strings(), logged.batch->column(1).strings());
  }
  EXPECT_TRUE(replay->Finished());
  EXPECT_EQ(reporter.count(), 2);  // "oops" once per reader
  auto backwards = replay->ReadUntil(SplitId(0), "3");
  EXPECT_EQ(backwards.status().code(), StatusCode::kInvalidArgument);
}

TEST(FilesystemSourceTest, BadLinesAreReportedWithFileAndLine) {
  TempDir dir;
  std::string file =
      dir.Write("in.json", Line(1) + "{\"id\": \"x\"}\n" + "\n" + "{broken\n" + Line(5) + "\r\n");
  std::string dead_letter = dir.path() + "/dead.jsonl";
  runtime::BadRecordReporter reporter(dead_letter);
  auto source = Make(file, &reporter);
  auto polled = source->Poll(100);
  ASSERT_TRUE(polled.ok() && polled->has_value());
  EXPECT_EQ(Ids(*(*polled)->batch), (std::vector<int64_t>{1, 5}));
  EXPECT_TRUE(source->Finished());
  EXPECT_EQ(reporter.count(), 2);
  std::string dead = TempDir::Read(dead_letter);
  EXPECT_NE(dead.find("\"location\":\"" + file + ":2\""), std::string::npos) << dead;
  EXPECT_NE(dead.find("\"location\":\"" + file + ":4\""), std::string::npos) << dead;
  EXPECT_NE(dead.find("{broken"), std::string::npos) << dead;
  EXPECT_NE(dead.find("BIGINT"), std::string::npos) << dead;
}

TEST(FilesystemSourceTest, MetadataColumnsNameTheFile) {
  TempDir dir;
  dir.Write("a.json", Line(1));
  dir.Write("b.json", Line(2));
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"file", LogicalType::String()}, {"id", LogicalType::BigInt()}});
  auto physical = std::make_shared<Schema>(std::vector<Field>{{"id", LogicalType::BigInt()}});
  FilesystemSource source("events", dir.path(), schema,
                          std::make_unique<JsonDecoder>(physical, JsonDecodeOptions{}), nullptr,
                          1 << 20, {{0, "file.name"}});
  ASSERT_TRUE(source.Open().ok());
  std::vector<std::string> rows;
  while (!source.Finished()) {
    auto polled = source.Poll(10);
    ASSERT_TRUE(polled.ok() && polled->has_value());
    const Batch& b = *(*polled)->batch;
    ASSERT_EQ(b.columns.size(), 2u);
    rows.push_back(std::string(b.column(0).strings()[0]) + "/" +
                   std::to_string(b.column(1).ints()[0]));
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"a.json/1", "b.json/2"}));
}

TEST(FilesystemSourceTest, MissingPathIsNotFound) {
  FilesystemSource source("events", "/tmp/sluice-no-such-dir/x.json", IdName(),
                          std::make_unique<JsonDecoder>(IdName(), JsonDecodeOptions{}), nullptr);
  EXPECT_EQ(source.Open().code(), StatusCode::kNotFound);
}

TEST(FilesystemSourceTest, EmptyFileFinishesAtOnce) {
  TempDir dir;
  std::string file = dir.Write("empty.json", "");
  auto source = Make(file, nullptr);
  auto polled = source->Poll(10);
  ASSERT_TRUE(polled.ok());
  EXPECT_FALSE(polled->has_value());
  EXPECT_TRUE(source->Finished());
}

}  // namespace
}  // namespace sluice::connectors
