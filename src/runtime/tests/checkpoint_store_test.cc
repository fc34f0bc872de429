#include "runtime/checkpoint_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/durable_file.h"
#include "testing/temp_dir.h"

namespace sluice::runtime {
namespace {

namespace fs = std::filesystem;

size_t CountCheckpointFiles(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    n += e.path().filename().string().rfind("checkpoint-", 0) == 0;
  }
  return n;
}

TEST(CheckpointStoreTest, NewestCheckpointReadsBackAndOldOnesArePruned) {
  testing::TempDir tmp;
  auto store = CheckpointStore::Open(tmp.path() + "/state/p", /*keep=*/2);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto none = (*store)->LoadLatest();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  for (int64_t epoch : {3, 7, 12}) {
    Checkpoint c{EpochId(epoch), "fp", std::string("state\0of ", 9) + std::to_string(epoch)};
    ASSERT_TRUE((*store)->Write(c).ok());
  }
  EXPECT_EQ(CountCheckpointFiles((*store)->dir()), 2u);
  auto latest = (*store)->LoadLatest();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->epoch, EpochId(12));
  EXPECT_EQ((*latest)->fingerprint, "fp");
  EXPECT_EQ((*latest)->payload, std::string("state\0of 12", 11));
}

TEST(CheckpointStoreTest, DamagedNewestFileFallsBackToTheOlderOne) {
  testing::TempDir tmp;
  auto store = CheckpointStore::Open(tmp.path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Write({EpochId(1), "fp", "one"}).ok());
  ASSERT_TRUE((*store)->Write({EpochId(2), "fp", "two"}).ok());
  const std::string newest = tmp.path() + "/checkpoint-00000000000000000002.bin";
  ASSERT_TRUE(fs::exists(newest));
  {
    std::fstream f(newest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put('X');
  }
  auto latest = (*store)->LoadLatest();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->payload, "one");
}

TEST(CheckpointStoreTest, FormatCarriesVersionAndChecksum) {
  std::string bytes = CheckpointStore::Encode({EpochId(5), "abc", "payload"});
  EXPECT_EQ(bytes.substr(0, 8), "SLUICECK");
  EXPECT_EQ(static_cast<uint8_t>(bytes[8]), CheckpointStore::kFormatVersion);
  auto back = CheckpointStore::Decode(bytes, "x");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->epoch, EpochId(5));
  bytes[8] = 9;  // a future version: the checksum no longer matches either
  EXPECT_EQ(CheckpointStore::Decode(bytes, "x").status().code(), StatusCode::kDataError);
  EXPECT_EQ(CheckpointStore::Decode("garbage", "x").status().code(), StatusCode::kDataError);
}

TEST(CheckpointStoreTest, SecondOpenOfTheDirectoryIsRefusedUntilTheFirstCloses) {
  testing::TempDir tmp;
  auto first = CheckpointStore::Open(tmp.path());
  ASSERT_TRUE(first.ok());
  auto second = CheckpointStore::Open(tmp.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  first->reset();
  EXPECT_TRUE(CheckpointStore::Open(tmp.path()).ok());
}

TEST(CheckpointStoreTest, ClearKeepsOnlyTheLock) {
  testing::TempDir tmp;
  auto store = CheckpointStore::Open(tmp.path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Write({EpochId(1), "fp", "one"}).ok());
  ASSERT_TRUE(DurableFile::ReplaceAtomically(tmp.path() + "/epochs.log", "E\t1\n").ok());
  ASSERT_TRUE((*store)->Clear().ok());
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(tmp.path())) {
    left.push_back(e.path().filename().string());
  }
  EXPECT_EQ(left, std::vector<std::string>{"LOCK"});
}

}  // namespace
}  // namespace sluice::runtime
