// POST /ingest/<table> against a real HttpServer on loopback with an HttpIngestQueue registered
// as an 'http' source would: 200 only after the consuming epoch commits, 400 with every bad
// line and nothing queued, 413 over the body limit, 401 without the token, 404 for an unknown
// table, 429 with Retry-After when the buffer is full, 503 once the source is closed, gzip
// bodies, a gzip bomb cut off at the limit, and multipart bodies refused. The test plays the
// pipeline thread (TakeNext / CommitDelivered).

#include "server/ingest_routes.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "connectors/formats/json_decoder.h"
#include "connectors/http/http_ingest_registry.h"
#include "server/http_server.h"

namespace sluice::server {
namespace {

using connectors::HttpIngestQueue;
using connectors::HttpIngestRegistry;
using std::chrono::milliseconds;

constexpr const char* kToken = "ingest-secret";

class IngestRoutesTest : public ::testing::Test {
 protected:
  // Registers table `clicks` (id BIGINT, page STRING) with `options`, then starts the server.
  void Start(HttpIngestQueue::Options options) {
    auto schema = std::make_shared<Schema>(
        std::vector<Field>{{"id", LogicalType::BigInt()}, {"page", LogicalType::String()}});
    connectors::JsonDecodeOptions json;
    json.fail_on_missing_field = true;
    queue_ = std::make_shared<HttpIngestQueue>(
        "clicks", schema,
        [schema, json]() -> Result<std::unique_ptr<runtime::RecordDecoder>> {
          return std::unique_ptr<runtime::RecordDecoder>(
              std::make_unique<connectors::JsonDecoder>(schema, json));
        },
        options, nullptr);
    ASSERT_TRUE(HttpIngestRegistry::Global().Add(queue_).ok());
    HttpServerOptions server_options;
    server_options.auth_token = kToken;
    auto server =
        HttpServer::Start(server_options, &metrics_, [] { return runtime::PipelineSnapshot(); });
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (queue_) HttpIngestRegistry::Global().Remove(queue_.get());
  }

  httplib::Client Client(bool with_token = true) const {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(30);
    if (with_token) client.set_bearer_token_auth(kToken);
    return client;
  }
  httplib::Result Post(const std::string& body, const std::string& table = "clicks") const {
    return Client().Post("/ingest/" + table, body, "application/x-ndjson");
  }
  // Plays the pipeline: takes every queued chunk, then commits them; returns the rows taken.
  size_t ConsumeAndCommit() {
    size_t rows = 0;
    while (auto chunk = queue_->TakeNext()) rows += chunk->batch->num_rows;
    queue_->CommitDelivered();
    return rows;
  }
  // Waits (generously) until `n` rows are buffered: the request reached the queue.
  bool WaitBuffered(size_t n) const {
    for (int i = 0; i < 3000; ++i) {
      if (queue_->buffered_rows() >= n) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }

  MetricsRegistry metrics_;
  std::shared_ptr<HttpIngestQueue> queue_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(IngestRoutesTest, AnswersOkOnlyAfterTheEpochCommits) {
  Start({});
  auto reply = std::async(std::launch::async, [this] {
    return Post("{\"id\":1,\"page\":\"/a\"}\n{\"id\":2,\"page\":\"/b\"}\n");
  });
  ASSERT_TRUE(WaitBuffered(2));
  // Queued but not committed: the client still waits.
  EXPECT_EQ(reply.wait_for(milliseconds(200)), std::future_status::timeout);
  auto chunk = queue_->TakeNext();
  ASSERT_TRUE(chunk.has_value());
  ASSERT_EQ(chunk->batch->num_rows, 2u);
  EXPECT_EQ(chunk->batch->column(0).ints()[0], 1);
  EXPECT_EQ(chunk->batch->column(1).strings()[1], "/b");
  EXPECT_EQ(reply.wait_for(milliseconds(200)), std::future_status::timeout);
  queue_->CommitDelivered();
  auto res = reply.get();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"accepted\":2,\"rejected\":0,\"errors\":[]}\n");
  EXPECT_EQ(queue_->buffered_rows(), 0u);
}

TEST_F(IngestRoutesTest, JsonArrayAndGzipBodies) {
  Start({});
  auto reply = std::async(std::launch::async, [this] {
    httplib::Client client = Client();
    client.set_compress(true);  // Content-Encoding: gzip
    return client.Post("/ingest/clicks", "[{\"id\":7,\"page\":\"/x\"}, {\"id\":8,\"page\":\"/y\"}]",
                       "application/json");
  });
  ASSERT_TRUE(WaitBuffered(2));
  EXPECT_EQ(ConsumeAndCommit(), 2u);
  auto res = reply.get();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"accepted\":2,\"rejected\":0,\"errors\":[]}\n");
}

TEST_F(IngestRoutesTest, BadLinesAreListedAndNothingIsQueued) {
  Start({});
  auto res = Post(
      "{\"id\":1,\"page\":\"/a\"}\n"
      "{\"id\":\"two\",\"page\":\"/b\"}\n"
      "\n"
      "{\"id\":4}\n"
      "not json\n");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  // Lines 2 (id not a number), 4 (page missing) and 5 (not JSON); line 3 is blank.
  EXPECT_NE(res->body.find("\"accepted\":0,\"rejected\":3"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("{\"line\":2,"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("{\"line\":4,"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("{\"line\":5,"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("page"), std::string::npos) << res->body;
  EXPECT_EQ(queue_->buffered_rows(), 0u);
  EXPECT_FALSE(queue_->TakeNext().has_value());
}

TEST_F(IngestRoutesTest, PartialQueuesTheGoodLines) {
  HttpIngestQueue::Options options;
  options.partial = true;
  Start(options);
  auto reply = std::async(std::launch::async, [this] {
    return Post(
        "{\"id\":1,\"page\":\"/a\"}\n{\"id\":\"x\",\"page\":\"/b\"}\n{\"id\":3,\"page\":\"/c\"}");
  });
  ASSERT_TRUE(WaitBuffered(2));
  EXPECT_EQ(ConsumeAndCommit(), 2u);
  auto res = reply.get();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("\"accepted\":2,\"rejected\":1,\"errors\":[{\"line\":2,"),
            std::string::npos)
      << res->body;
}

TEST_F(IngestRoutesTest, RejectsOversizedBodiesMissingTokensAndUnknownTables) {
  HttpIngestQueue::Options options;
  options.max_body_bytes = 64;
  Start(options);
  std::string big;
  while (big.size() <= 64) big += "{\"id\":1,\"page\":\"/a\"}\n";
  auto res = Post(big);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  // Compressed, the body fits the limit on the wire; decompressed it does not.
  httplib::Client gz = Client();
  gz.set_compress(true);
  std::string repetitive(4096, ' ');
  res = gz.Post("/ingest/clicks", repetitive, "application/x-ndjson");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  res = Client(false).Post("/ingest/clicks", "{\"id\":1,\"page\":\"/a\"}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = Post("{\"id\":1,\"page\":\"/a\"}", "nosuch");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(queue_->buffered_rows(), 0u);
}

// Returns the process's peak resident memory in KB since the last ResetPeakRss.
int64_t PeakRssKb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return -1;
}
void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

// A gzip body of 250 KB that decodes to 256 MB: refused as soon as the decoded bytes pass the
// limit, without the server ever holding them (the peak RSS of this process, server included,
// grows by far less than 256 MB).
TEST_F(IngestRoutesTest, GzipBombIsCutOffAtTheLimitWithoutDecodingIt) {
  HttpIngestQueue::Options options;
  options.max_body_bytes = 1 << 20;
  Start(options);
  std::string bomb;
  httplib::detail::gzip_compressor gzip;
  const std::string spaces(1 << 20, ' ');
  for (int i = 0; i < 256; ++i) {
    ASSERT_TRUE(gzip.compress(spaces.data(), spaces.size(), i == 255, [&](const char* d, size_t n) {
      bomb.append(d, n);
      return true;
    }));
  }
  ASSERT_LT(bomb.size(), 1u << 20);  // within the limit on the wire
  ResetPeakRss();
  const int64_t before = PeakRssKb();
  auto res =
      Client().Post("/ingest/clicks", {{"Content-Encoding", "gzip"}}, bomb, "application/x-ndjson");
  const int64_t grown_kb = PeakRssKb() - before;
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413) << res->body;
  EXPECT_LT(grown_kb, 64 * 1024) << "peak RSS grew by " << grown_kb << " KB";
  EXPECT_EQ(queue_->buffered_rows(), 0u);
}

TEST_F(IngestRoutesTest, MultipartBodiesAreRefused) {
  Start({});
  httplib::MultipartFormDataItems items = {{"file", "{\"id\":1,\"page\":\"/a\"}", "a.json", ""}};
  auto res = Client().Post("/ingest/clicks", items);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415) << res->body;
  EXPECT_EQ(queue_->buffered_rows(), 0u);
}

TEST_F(IngestRoutesTest, FullBufferAnswers429ThenClosedAnswers503) {
  HttpIngestQueue::Options options;
  options.buffer_rows = 3;
  options.retry_after_seconds = 2;
  Start(options);
  auto first = std::async(std::launch::async, [this] {
    return Post("{\"id\":1,\"page\":\"/a\"}\n{\"id\":2,\"page\":\"/b\"}\n");
  });
  ASSERT_TRUE(WaitBuffered(2));
  // 2 buffered + 2 more > 3.
  auto res = Post("{\"id\":3,\"page\":\"/c\"}\n{\"id\":4,\"page\":\"/d\"}\n");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->get_header_value("Retry-After"), "2");
  EXPECT_EQ(queue_->buffered_rows(), 2u);
  // The pipeline stops before the first request's records commit: 503, not 200.
  queue_->Close();
  auto closed = first.get();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->status, 503);
  EXPECT_EQ(closed->get_header_value("Retry-After"), "2");
  res = Post("{\"id\":5,\"page\":\"/e\"}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
}

}  // namespace
}  // namespace sluice::server
