// The 'http' source without a server: the body reader (NDJSON lines, JSON arrays, malformed
// arrays), the source created from table options (registration, option errors), positions and
// replay (ReadUntil of a held chunk, of another run), and commit waking a waiting request.

#include "connectors/http/http_source.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "connectors/http/http_ingest_registry.h"
#include "connectors/http/ingest_body_reader.h"

namespace sluice::connectors {
namespace {

using std::chrono::milliseconds;

std::vector<std::pair<int64_t, std::string>> Records(std::string_view body, Status* status) {
  IngestBodyReader reader(body);
  std::vector<std::pair<int64_t, std::string>> out;
  std::string_view record;
  int64_t number = 0;
  while (reader.Next(&record, &number)) out.emplace_back(number, std::string(record));
  *status = reader.status();
  return out;
}

TEST(HttpSourceTest, BodyReaderSplitsLinesAndArrays) {
  Status s;
  using R = std::vector<std::pair<int64_t, std::string>>;
  EXPECT_EQ(Records("{\"a\":1}\n\n  {\"a\":2}\r\n", &s), (R{{1, "{\"a\":1}"}, {3, "{\"a\":2}"}}));
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(Records(" [ {\"a\":\"x,]}\\\"\"} , {\"b\":[1,{\"c\":2}]} ]\n", &s),
            (R{{1, "{\"a\":\"x,]}\\\"\"}"}, {2, "{\"b\":[1,{\"c\":2}]}"}}));
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(Records("[]", &s), R{});
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(Records("", &s), R{});
  EXPECT_TRUE(s.ok());
  Records("[{\"a\":1},", &s);
  EXPECT_EQ(s.code(), StatusCode::kDataError);
  Records("[{\"a\":1},]", &s);
  EXPECT_EQ(s.code(), StatusCode::kDataError);
  Records("[{\"a\":1}] x", &s);
  EXPECT_EQ(s.code(), StatusCode::kDataError);
}

class HttpSourceFromTableTest : public ::testing::Test {
 protected:
  runtime::SourceContext Context(std::map<std::string, std::string> options) {
    auto table = std::make_shared<sql::CatalogTable>();
    table->name = "views";
    for (auto [name, type] :
         {std::pair{"id", LogicalType::BigInt()}, std::pair{"url", LogicalType::String()}}) {
      sql::CatalogColumn column;
      column.name = name;
      column.type = type;
      table->columns.push_back(column);
    }
    table->options = std::move(options);
    table->options["connector"] = "http";
    runtime::SourceContext context;
    context.table = table;
    context.decoded_schema = std::make_shared<Schema>(table->stored_schema());
    context.bad_records = &reporter_;
    context.settings["execution.batch-size"] = "2";
    return context;
  }
  runtime::BadRecordReporter reporter_;
};

TEST_F(HttpSourceFromTableTest, RegistersItsQueueAndRejectsUnknownOptions) {
  EXPECT_FALSE(HttpSource::Create(Context({{"http.partail", "true"}})).ok());
  EXPECT_FALSE(HttpSource::Create(Context({{"format", "csv"}})).ok());
  EXPECT_FALSE(HttpSource::Create(Context({{"http.max-body-size", "big"}})).ok());
  {
    auto source = HttpSource::Create(Context({{"http.max-body-size", "1 kb"}}));
    ASSERT_TRUE(source.ok()) << source.status().message();
    auto queue = HttpIngestRegistry::Global().Find("views");
    ASSERT_NE(queue, nullptr);
    EXPECT_EQ(queue->options().max_body_bytes, 1024u);
    EXPECT_EQ(queue->options().chunk_rows, 2u);
    // A second source of the same table in this process is refused.
    EXPECT_FALSE(HttpSource::Create(Context({})).ok());
  }
  EXPECT_EQ(HttpIngestRegistry::Global().Find("views"), nullptr);
}

TEST_F(HttpSourceFromTableTest, ChunksPositionsReplayAndCommit) {
  auto created = HttpSource::Create(Context({}));
  ASSERT_TRUE(created.ok()) << created.status().message();
  runtime::SourceReader& source = **created;
  HttpIngestQueue& queue = static_cast<HttpSource&>(source).queue();
  // 3 records in chunks of 2 rows (execution.batch-size): two chunks, ticket 2.
  IngestOutcome outcome = queue.Offer(
      "{\"id\":1,\"url\":\"/a\"}\n{\"id\":2,\"url\":\"/b\"}\n{\"id\":3,\"url\":\"/c\"}");
  ASSERT_EQ(outcome.kind, IngestOutcome::Kind::kQueued);
  EXPECT_EQ(outcome.accepted, 3);
  EXPECT_EQ(outcome.ticket, 2u);
  auto waiter = std::async(std::launch::async, [&] {
    return queue.WaitCommitted(outcome.ticket, milliseconds(30'000));
  });

  auto first = source.Poll(4096);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->batch->num_rows, 2u);
  auto second = source.Poll(4096);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->batch->num_rows, 1u);
  EXPECT_EQ((*second)->batch->column(0).ints()[0], 3);
  auto none = source.Poll(4096);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  // Replay of a delivered, uncommitted chunk returns the same rows.
  auto again = source.ReadUntil(SplitId(0), (*first)->end_position);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->batch, (*first)->batch);
  // Positions of an earlier run (a restarted process) replay no rows.
  auto other = source.ReadUntil(SplitId(0), "1.2:1");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->batch->num_rows, 0u);

  EXPECT_EQ(waiter.wait_for(milliseconds(100)), std::future_status::timeout);
  // An epoch that ended after the first chunk commits it alone: the request still waits.
  ASSERT_TRUE(source.CommitConsumed({{SplitId(0), (*first)->end_position}}).ok());
  EXPECT_EQ(queue.buffered_rows(), 1u);
  EXPECT_EQ(waiter.wait_for(milliseconds(100)), std::future_status::timeout);
  ASSERT_TRUE(source.CommitConsumed({{SplitId(0), (*second)->end_position}}).ok());
  EXPECT_TRUE(waiter.get());
  EXPECT_EQ(queue.buffered_rows(), 0u);
  // Committed chunks are freed and not re-read.
  EXPECT_FALSE(source.ReadUntil(SplitId(0), (*first)->end_position).ok());
}

TEST_F(HttpSourceFromTableTest, BadRecordsAreReportedAndNothingIsQueued) {
  auto created = HttpSource::Create(Context({}));
  ASSERT_TRUE(created.ok());
  HttpIngestQueue& queue = static_cast<HttpSource&>(**created).queue();
  IngestOutcome outcome = queue.Offer("[{\"id\":1,\"url\":\"/a\"}, {\"id\":\"one\"}]");
  EXPECT_EQ(outcome.kind, IngestOutcome::Kind::kRejected);
  EXPECT_EQ(outcome.accepted, 0);
  EXPECT_EQ(outcome.rejected, 1);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].number, 2);
  EXPECT_EQ(reporter_.count(), 1);
  EXPECT_EQ(queue.buffered_rows(), 0u);
  outcome = queue.Offer("[{\"id\":1}");
  EXPECT_EQ(outcome.kind, IngestOutcome::Kind::kRejected);
  EXPECT_NE(outcome.ToJson().find("\"error\":\"the JSON array is not terminated"),
            std::string::npos)
      << outcome.ToJson();
}

}  // namespace
}  // namespace sluice::connectors
