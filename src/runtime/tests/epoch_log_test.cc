#include "runtime/epoch_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace sluice::runtime {
namespace {

std::string TempPath() {
  char name[] = "/tmp/sluice-epoch-log-XXXXXX";
  int fd = mkstemp(name);
  close(fd);
  return name;
}

TEST(EpochLogTest, SealedEpochsReadBackInOrder) {
  std::string path = TempPath();
  {
    EpochLog log(path);
    log.Append({EpochLogEntry::Kind::kBatch, 0, 1, "1041", 111});
    log.Append({EpochLogEntry::Kind::kIdle, 1, 0, "", 222});
    auto first = log.Seal(EpochId(1));
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->size(), 2u);
    EXPECT_TRUE(log.current().empty());
    log.Append({EpochLogEntry::Kind::kBatch, 0, 0, "t:0:5:9", 333});
    log.Append({EpochLogEntry::Kind::kEndOfInput, 0, 0, "", 444});
    ASSERT_TRUE(log.Seal(EpochId(2)).ok());
    // An epoch that was never sealed is not part of the log.
    log.Append({EpochLogEntry::Kind::kBatch, 0, 0, "77", 555});
  }
  auto epochs = EpochLog::ReadFile(path);
  ASSERT_TRUE(epochs.ok()) << epochs.status().ToString();
  ASSERT_EQ(epochs->size(), 2u);
  EXPECT_EQ((*epochs)[0].first, EpochId(1));
  const auto& e1 = (*epochs)[0].second;
  ASSERT_EQ(e1.size(), 2u);
  EXPECT_EQ(e1[0].kind, EpochLogEntry::Kind::kBatch);
  EXPECT_EQ(e1[0].split, 1u);
  EXPECT_EQ(e1[0].end_position, "1041");
  EXPECT_EQ(e1[0].processing_time_ms, 111);
  EXPECT_EQ(e1[1].kind, EpochLogEntry::Kind::kIdle);
  EXPECT_EQ(e1[1].source, 1u);
  const auto& e2 = (*epochs)[1].second;
  ASSERT_EQ(e2.size(), 2u);
  EXPECT_EQ(e2[0].end_position, "t:0:5:9");
  EXPECT_EQ(e2[1].kind, EpochLogEntry::Kind::kEndOfInput);
  std::remove(path.c_str());
}

TEST(EpochLogTest, ForeignLinesAreADataErrorWithTheirLine) {
  std::string path = TempPath();
  std::ofstream(path) << "B\t0\t0\t1\t10\nX\tjunk\n";
  auto epochs = EpochLog::ReadFile(path);
  ASSERT_FALSE(epochs.ok());
  EXPECT_EQ(epochs.status().code(), StatusCode::kDataError);
  EXPECT_NE(epochs.status().message().find(":2:"), std::string::npos);
  std::remove(path.c_str());
}

TEST(EpochLogTest, CommitRecordsAndCompactionKeepTheEpochsAfterACheckpoint) {
  std::string path = TempPath();
  {
    EpochLog log(path);
    for (int64_t epoch = 1; epoch <= 4; ++epoch) {
      log.Append({EpochLogEntry::Kind::kBatch, 0, 0, std::to_string(epoch * 100), epoch});
      ASSERT_TRUE(log.Seal(EpochId(epoch)).ok());
      if (epoch == 4) continue;  // crashed before its commit record
      ASSERT_TRUE(log.Commit(EpochId(epoch)).ok());
    }
    ASSERT_TRUE(log.Compact(EpochId(2)).ok());
    // The log goes on after compaction.
    log.Append({EpochLogEntry::Kind::kBatch, 0, 0, "500", 5});
    ASSERT_TRUE(log.Seal(EpochId(5)).ok());
  }
  auto epochs = EpochLog::Read(path);
  ASSERT_TRUE(epochs.ok()) << epochs.status().ToString();
  ASSERT_EQ(epochs->size(), 3u);
  EXPECT_EQ((*epochs)[0].epoch, EpochId(3));
  EXPECT_TRUE((*epochs)[0].committed);
  EXPECT_EQ((*epochs)[0].entries[0].end_position, "300");
  EXPECT_EQ((*epochs)[1].epoch, EpochId(4));
  EXPECT_FALSE((*epochs)[1].committed);
  EXPECT_EQ((*epochs)[2].epoch, EpochId(5));
  EXPECT_EQ((*epochs)[2].entries[0].end_position, "500");
  std::remove(path.c_str());
}

TEST(EpochLogTest, ALastLineCutShortByACrashIsIgnored) {
  std::string path = TempPath();
  std::ofstream(path) << "B\t0\t0\t1\t10\nE\t1\nB\t0\t0\t2\t20\nE\t2";
  auto epochs = EpochLog::Read(path);
  ASSERT_TRUE(epochs.ok()) << epochs.status().ToString();
  ASSERT_EQ(epochs->size(), 1u);  // "E 2" without its newline was never fully written
  EXPECT_EQ((*epochs)[0].entries[0].end_position, "10");
  std::remove(path.c_str());
}

// An append cut short (a crash, a full disk) leaves part of an epoch behind; the next process's
// first append cuts it off, so the torn records neither garble the next line nor join the next
// epoch's entries.
TEST(EpochLogTest, AnAppendAfterOneCutShortStartsAfterTheLastSealedEpoch) {
  for (const char* torn : {"B\t0\t0\t2\t20\nE", "B\t0\t0\t2\t20\n", "B\t0\t0\t2"}) {
    std::string path = TempPath();
    std::ofstream(path) << "B\t0\t0\t1\t10\nE\t1\nC\t1\n" << torn;
    {
      EpochLog log(path);
      log.Append({EpochLogEntry::Kind::kBatch, 0, 0, "30", 3});
      ASSERT_TRUE(log.Seal(EpochId(2)).ok());
      ASSERT_TRUE(log.Commit(EpochId(2)).ok());
    }
    auto epochs = EpochLog::Read(path);
    ASSERT_TRUE(epochs.ok()) << torn << ": " << epochs.status().ToString();
    ASSERT_EQ(epochs->size(), 2u) << torn;
    ASSERT_EQ((*epochs)[1].entries.size(), 1u) << torn;
    EXPECT_EQ((*epochs)[1].entries[0].end_position, "30") << torn;
    EXPECT_TRUE((*epochs)[1].committed) << torn;
    std::remove(path.c_str());
  }
}

}  // namespace
}  // namespace sluice::runtime
