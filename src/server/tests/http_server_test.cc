// HttpServer over real loopback sockets: every route, the bearer token (401 without, 200 with,
// /healthz open), readiness from a published snapshot, and the exact /api/status JSON.

#include "server/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>

#include "server/pipeline_readiness.h"
#include "server/status_json.h"

namespace sluice::server {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

runtime::PipelineSnapshot RunningSnapshot(int64_t now_ms) {
  runtime::PipelineSnapshot s;
  s.name = "orders";
  s.state = "running";
  s.started_ms = now_ms - 5000;
  s.last_commit_ms = now_ms - 500;
  s.last_committed_epoch = 4;
  s.epoch_interval_ms = 1000;
  s.bad_records = 2;
  s.sources.push_back({"events", true, false, 120, 1700000000000, {}});
  s.sinks.push_back({"out", 100});
  return s;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& token) {
    registry_.GetCounter("sluice_sink_rows_total", "Rows written.", {{"sink", "out"}})
        ->Increment(100);
    HttpServerOptions options;
    options.port = 0;
    options.auth_token = token;
    auto server = HttpServer::Start(options, &registry_, [this] {
      std::lock_guard<std::mutex> lock(mu_);
      return snapshot_;
    });
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
    ASSERT_GT(server_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_connection_timeout(5);
    client_->set_read_timeout(5);
  }
  void SetSnapshot(runtime::PipelineSnapshot s) {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_ = std::move(s);
  }
  httplib::Result Get(const std::string& path, const std::string& token = "") {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Get(path.c_str(), headers);
  }

  MetricsRegistry registry_;
  std::mutex mu_;
  runtime::PipelineSnapshot snapshot_ = RunningSnapshot(NowMillis());
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, ServesEveryRouteWithoutTokenWhenNoneIsSet) {
  StartServer("");
  auto health = Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
  auto metrics = Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics->body.find("\nsluice_sink_rows_total{sink=\"out\"} 100\n"), std::string::npos)
      << metrics->body;
  auto ready = Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  auto status = Get("/api/status");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  EXPECT_EQ(status->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(status->body.rfind("{\"pipeline\":\"orders\",\"state\":\"running\"", 0), 0u)
      << status->body;
  EXPECT_EQ(Get("/nope")->status, 404);
}

TEST_F(HttpServerTest, TokenProtectsEveryRouteButHealthz) {
  const std::string token = "s3cret-token";
  StartServer(token);
  EXPECT_EQ(Get("/healthz")->status, 200);
  for (const char* path : {"/metrics", "/readyz", "/api/status"}) {
    auto without = Get(path);
    ASSERT_TRUE(without) << path;
    EXPECT_EQ(without->status, 401) << path;
    EXPECT_EQ(without->body.find(token), std::string::npos);
    EXPECT_EQ(Get(path, "wrong")->status, 401) << path;
    EXPECT_EQ(Get(path, token + "x")->status, 401) << path;
    auto with = Get(path, token);
    ASSERT_TRUE(with) << path;
    EXPECT_EQ(with->status, 200) << path << ": " << with->body;
    EXPECT_EQ(with->body.find(token), std::string::npos) << path;
  }
}

TEST_F(HttpServerTest, ReadinessFollowsTheSnapshot) {
  StartServer("");
  EXPECT_EQ(Get("/readyz")->status, 200);
  // Epoch interval 1 s: the bound is max(3 s, 10 s) = 10 s; a commit 30 s ago is stale.
  runtime::PipelineSnapshot stale = RunningSnapshot(NowMillis());
  stale.last_commit_ms = NowMillis() - 30000;
  SetSnapshot(stale);
  auto r = Get("/readyz");
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("no epoch committed"), std::string::npos) << r->body;
  runtime::PipelineSnapshot closed = RunningSnapshot(NowMillis());
  closed.sources[0].open = false;
  SetSnapshot(closed);
  r = Get("/readyz");
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "not ready: source 'events' is not open\n");
  runtime::PipelineSnapshot recovered = RunningSnapshot(NowMillis());
  SetSnapshot(recovered);
  EXPECT_EQ(Get("/readyz")->status, 200);
}

TEST(PipelineReadinessTest, BoundIsThreeEpochIntervalsOrTenSeconds) {
  runtime::PipelineSnapshot s = RunningSnapshot(100000);
  s.last_commit_ms = 100000 - 10000;  // exactly at the 10 s bound: still ready
  EXPECT_TRUE(CheckReadiness(s, 100000).ready);
  s.last_commit_ms = 100000 - 10001;
  EXPECT_FALSE(CheckReadiness(s, 100000).ready);
  s.epoch_interval_ms = 5000;  // bound 15 s
  EXPECT_TRUE(CheckReadiness(s, 100000).ready);
  s.last_commit_ms = 100000 - 15001;
  EXPECT_EQ(CheckReadiness(s, 100000).reason, "no epoch committed for 15.0 s (limit 15.0 s)");
  s = RunningSnapshot(100000);
  s.state = "finished";
  EXPECT_EQ(CheckReadiness(s, 100000).reason, "pipeline is finished");
}

TEST(StatusJsonTest, RendersTheSnapshot) {
  runtime::PipelineSnapshot s = RunningSnapshot(100000);
  s.sources.push_back({"q\"uote", true, true, 7, std::nullopt, {}});
  s.sources[0].splits = {{"orders-0", 12}, {"orders-3", -1}};
  s.operators.push_back({"out", "WindowAggregate", 12, 3456, 2, 1});
  s.operators.push_back({"out", "OverAggregate", 5, std::nullopt, 0, 0});
  // started 5 s ago, committed 0.5 s ago; the second source has no watermark yet, the second
  // operator no checkpoint.
  EXPECT_EQ(StatusJson(s, 100000),
            "{\"pipeline\":\"orders\",\"state\":\"running\",\"uptime_seconds\":5.000,"
            "\"last_committed_epoch\":4,\"last_commit_age_seconds\":0.500,\"ready\":true,"
            "\"not_ready_reason\":\"\",\"bad_records\":2,\"sources\":["
            "{\"name\":\"events\",\"open\":true,\"finished\":false,\"records\":120,"
            "\"watermark_ms\":1700000000000,\"splits\":[{\"name\":\"orders-0\",\"backlog\":12},"
            "{\"name\":\"orders-3\",\"backlog\":-1}]},"
            "{\"name\":\"q\\\"uote\",\"open\":true,\"finished\":true,\"records\":7,"
            "\"watermark_ms\":null,\"splits\":[]}],"
            "\"sinks\":[{\"name\":\"out\",\"rows\":100}],\"operators\":["
            "{\"job\":\"out\",\"name\":\"WindowAggregate\",\"state_keys\":12,"
            "\"state_bytes\":3456,\"late_dropped\":2,\"late_updated\":1},"
            "{\"job\":\"out\",\"name\":\"OverAggregate\",\"state_keys\":5,"
            "\"state_bytes\":null,\"late_dropped\":0,\"late_updated\":0}]}");
}

TEST(HttpServerStartTest, BindsLoopbackByDefaultAndReportsABusyPort) {
  EXPECT_EQ(HttpServerOptions().bind_address, "127.0.0.1");
  MetricsRegistry registry;
  auto first = HttpServer::Start({}, &registry, [] { return runtime::PipelineSnapshot(); });
  ASSERT_TRUE(first.ok());
  HttpServerOptions same;
  same.port = (*first)->port();
  auto second = HttpServer::Start(same, &registry, [] { return runtime::PipelineSnapshot(); });
  EXPECT_FALSE(second.ok());
  (*first)->Stop();
  (*first)->Stop();  // idempotent
}

}  // namespace
}  // namespace sluice::server
