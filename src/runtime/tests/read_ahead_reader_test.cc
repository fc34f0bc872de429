// ReadAheadReader hands out what the reader it wraps read on its own thread: the same batches in
// the same order with their splits and positions, each batch's bad records reported only when
// that batch is consumed, errors after the batches read before them, Finished once the queue is
// drained, and Close that stops a reader in the middle of its input.

#include "runtime/read_ahead_reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace sluice::runtime {
namespace {

// Reads `batches` batches of two rows (all of them when negative: unbounded), alternating between
// two splits; a split's position is the number of batches read overall after the batch. Reports
// one bad record while reading each batch whose number is in `bad_at`, and fails with a
// non-retryable error instead of reading batch `fail_at`.
class ScriptedSource : public SourceReader {
 public:
  ScriptedSource(int batches, BadRecordReporter* reporter, std::set<int> bad_at = {},
                 int fail_at = -1)
      : batches_(batches), reporter_(reporter), bad_at_(std::move(bad_at)), fail_at_(fail_at) {}

  Status Open() override { return Status::Ok(); }
  Result<std::optional<SourceBatch>> Poll(size_t /*max_rows*/) override {
    if (next_ == fail_at_) return Status::IoError("cannot read 'gone.json': no such file");
    if (Finished()) return std::optional<SourceBatch>();
    if (bad_at_.count(next_)) {
      reporter_->Report("t", "batch " + std::to_string(next_), "{oops", "not JSON");
    }
    SourceBatch batch = Read(next_ + 1);
    polls_.fetch_add(1);
    return std::optional<SourceBatch>(std::move(batch));
  }
  Result<SourceBatch> ReadUntil(SplitId /*split*/, const std::string& end_position) override {
    return Read(std::stoi(end_position));
  }
  bool Finished() const override { return batches_ >= 0 && next_ >= batches_; }
  size_t num_splits() const override { return 2; }
  std::string split_name(SplitId split) const override {
    return "split-" + std::to_string(split.value());
  }
  void Close() override { closed_->store(true); }

  int polls() const { return polls_.load(); }
  void set_closed_flag(std::atomic<bool>* closed) { closed_ = closed; }

 private:
  // Reads batches up to number `end` (exclusive) into one batch of the last one's split.
  SourceBatch Read(int end) {
    auto batch = std::make_shared<Batch>();
    batch->schema = std::make_shared<Schema>(std::vector<Field>{{"v", LogicalType::BigInt()}});
    auto column = std::make_shared<Column>(LogicalType::BigInt());
    for (int b = next_; b < end; ++b) {
      column->AppendInt(2 * b);
      column->AppendInt(2 * b + 1);
    }
    batch->num_rows = column->size();
    batch->columns.push_back(column);
    const int split = (end - 1) % 2;
    next_ = end;
    return SourceBatch{SplitId(split), batch, std::to_string(end)};
  }

  const int batches_;
  BadRecordReporter* reporter_;
  const std::set<int> bad_at_;
  const int fail_at_;
  int next_ = 0;
  std::atomic<int> polls_{0};
  std::atomic<bool> own_closed_{false};
  std::atomic<bool>* closed_ = &own_closed_;
};

// Waits until `source` read `polls` batches (the thread ran ahead that far).
bool WaitForPolls(const ScriptedSource& source, int polls) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (source.polls() < polls) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Polls `reader` until it returns a batch (it waits at most a short while per call).
Result<SourceBatch> NextBatch(ReadAheadReader* reader) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<SourceBatch> batch, reader->Poll(2));
    if (batch) return std::move(*batch);
  }
  return Status::Internal("no batch");
}

TEST(ReadAheadReaderTest, HandsOutTheBatchesInOrderWithTheirSplitsAndPositions) {
  BadRecordReporter reporter;
  ScriptedSource direct(7, &reporter);
  ReadAheadReader reader(std::make_unique<ScriptedSource>(7, &reporter));
  ASSERT_TRUE(reader.Open().ok());
  for (int b = 0; b < 7; ++b) {
    auto expected = direct.Poll(2);
    ASSERT_TRUE(expected.ok() && expected->has_value());
    EXPECT_FALSE(reader.Finished()) << "before batch " << b;
    auto batch = NextBatch(&reader);
    ASSERT_TRUE(batch.ok()) << batch.status().message();
    EXPECT_EQ(batch->split, (*expected)->split) << "batch " << b;
    EXPECT_EQ(batch->end_position, (*expected)->end_position) << "batch " << b;
    ASSERT_EQ(batch->batch->num_rows, 2u);
    EXPECT_EQ(batch->batch->column(0).ints()[0], 2 * b);
    EXPECT_EQ(batch->batch->column(0).ints()[1], 2 * b + 1);
  }
  EXPECT_TRUE(reader.Finished());
  auto after = reader.Poll(2);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value());
  reader.Close();
}

TEST(ReadAheadReaderTest, IsNotFinishedWhileBatchesAreQueued) {
  BadRecordReporter reporter;
  auto owned = std::make_unique<ScriptedSource>(2, &reporter);
  const ScriptedSource& source = *owned;
  ReadAheadReader reader(std::move(owned));
  ASSERT_TRUE(NextBatch(&reader).ok());
  ASSERT_TRUE(WaitForPolls(source, 2));  // the wrapped reader finished; one batch is queued
  EXPECT_FALSE(reader.Finished());
  ASSERT_TRUE(NextBatch(&reader).ok());
  EXPECT_TRUE(reader.Finished());
}

TEST(ReadAheadReaderTest, ReportsBadRecordsWhenTheirBatchIsConsumed) {
  BadRecordReporter reporter;
  auto owned = std::make_unique<ScriptedSource>(20, &reporter, std::set<int>{2, 3});
  const ScriptedSource& source = *owned;
  ReadAheadReader reader(std::move(owned), /*depth=*/3);
  ASSERT_TRUE(NextBatch(&reader).ok());  // batch 0
  // The thread read batches 1-3 ahead (and reported batch 2's and 3's bad records to the
  // capture): none is reported yet.
  ASSERT_TRUE(WaitForPolls(source, 4));
  EXPECT_EQ(reporter.count(), 0);
  ASSERT_TRUE(NextBatch(&reader).ok());  // batch 1
  EXPECT_EQ(reporter.count(), 0);
  auto second = NextBatch(&reader);  // batch 2
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->end_position, "3");
  EXPECT_EQ(reporter.count(), 1);
  ASSERT_TRUE(NextBatch(&reader).ok());  // batch 3
  EXPECT_EQ(reporter.count(), 2);
  reader.Close();
  EXPECT_EQ(reporter.count(), 2);
}

TEST(ReadAheadReaderTest, ReturnsAnErrorAfterTheBatchesReadBeforeIt) {
  BadRecordReporter reporter;
  auto owned = std::make_unique<ScriptedSource>(10, &reporter, std::set<int>{}, /*fail_at=*/2);
  const ScriptedSource& source = *owned;
  ReadAheadReader reader(std::move(owned));
  ASSERT_TRUE(NextBatch(&reader).ok());
  ASSERT_TRUE(WaitForPolls(source, 2));
  auto second = NextBatch(&reader);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->end_position, "2");
  auto failed = reader.Poll(2);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIoError);
  EXPECT_EQ(failed.status().message(), "cannot read 'gone.json': no such file");
  EXPECT_FALSE(reader.Finished());
}

TEST(ReadAheadReaderTest, ReplaysWithReadUntilBeforeTheFirstPollOnly) {
  BadRecordReporter reporter;
  ReadAheadReader reader(std::make_unique<ScriptedSource>(10, &reporter));
  auto replayed = reader.ReadUntil(SplitId(1), "4");  // batches 0-3, as recovery replays them
  ASSERT_TRUE(replayed.ok()) << replayed.status().message();
  EXPECT_EQ(replayed->batch->num_rows, 8u);
  auto next = NextBatch(&reader);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->end_position, "5");
  EXPECT_EQ(next->batch->column(0).ints()[0], 8);
  auto late = reader.ReadUntil(SplitId(0), "9");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(reader.SeekTo(SplitId(0), "9").ok());
}

TEST(ReadAheadReaderTest, CloseStopsTheThreadInTheMiddleOfTheInput) {
  BadRecordReporter reporter;
  std::atomic<bool> closed{false};
  auto owned = std::make_unique<ScriptedSource>(-1, &reporter);
  owned->set_closed_flag(&closed);
  const ScriptedSource& source = *owned;
  ReadAheadReader reader(std::move(owned), /*depth=*/2);
  ASSERT_TRUE(NextBatch(&reader).ok());
  ASSERT_TRUE(WaitForPolls(source, 3));  // the queue is full: the thread waits for room
  reader.Close();                        // returns once the thread is joined
  EXPECT_TRUE(closed.load());
  EXPECT_EQ(source.polls(), 3);
  EXPECT_FALSE(reader.Finished());
}

}  // namespace
}  // namespace sluice::runtime
