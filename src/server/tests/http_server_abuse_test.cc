// HttpServer against hostile clients over real loopback sockets, each case bounded in time:
// malformed requests get a 4xx answer at once and the server keeps serving; bodies the
// server cannot bound (chunked, or on a route that takes none) are refused before they are read;
// dozens of clients that drip a byte at a time or send nothing do not delay /healthz; and no
// spelling of a path leaves the dashboard's compiled-in assets for a file on disk.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/dashboard_definition.h"
#include "server/dashboard_service.h"
#include "server/http_server.h"
#include "testing/temp_dir.h"

namespace sluice::server {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Returns whether `answer` holds a whole HTTP answer: its head and Content-Length bytes of body.
bool Complete(const std::string& answer) {
  const size_t head = answer.find("\r\n\r\n");
  if (head == std::string::npos) return false;
  const size_t at = answer.find("Content-Length: ");
  const size_t body = at < head ? std::stoul(answer.substr(at + 16)) : 0;
  return answer.size() >= head + 4 + body;
}

// A client socket connected to 127.0.0.1:`port`, closed by the destructor.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends all of `bytes`; false when the peer closed.
  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  // Returns one HTTP answer (head and Content-Length body) once it arrived, or what arrived
  // before the peer closed or `timeout` passed.
  std::string ReadAnswer(milliseconds timeout) {
    std::string out;
    const auto end = Clock::now() + timeout;
    char buf[4096];
    while (Clock::now() < end && !Complete(out)) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// Returns the status code of a raw HTTP answer, 0 when there is none.
int StatusOf(const std::string& answer) {
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}

class HttpServerAbuseTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {}) {
    auto server =
        HttpServer::Start(options, &registry_, [] { return runtime::PipelineSnapshot(); });
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
  }
  // GET /healthz on a fresh connection; returns how long the answer took, or nullopt.
  std::optional<milliseconds> TimeHealthz() const {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_connection_timeout(5);
    client.set_read_timeout(5);
    const auto start = Clock::now();
    auto res = client.Get("/healthz");
    if (!res || res->status != 200 || res->body != "ok\n") return std::nullopt;
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  }
  // Sends `request` on a fresh connection and returns the answer (at most 3 s later).
  std::string Exchange(const std::string& request) const {
    RawConnection c(server_->port());
    EXPECT_TRUE(c.connected());
    c.Send(request);
    return c.ReadAnswer(milliseconds(3000));
  }

  MetricsRegistry registry_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerAbuseTest, MalformedRequestsGetAClientErrorAndTheServerKeepsServing) {
  StartServer();
  struct Case {
    std::string name;
    std::string request;
    int status;
  };
  const std::vector<Case> cases = {
      {"not HTTP", "GARBAGE\r\n\r\n", 400},
      {"binary", std::string("\x00\x01\x02\xff\xfe\r\n\r\n", 9), 400},
      {"no version", "GET /healthz\r\n\r\n", 400},
      // A header line without a colon is skipped, the request served.
      {"header without colon", "GET /healthz HTTP/1.1\r\nNoColonHere\r\n\r\n", 200},
      {"100 KB URI", "GET /" + std::string(100000, 'a') + " HTTP/1.1\r\n\r\n", 414},
      {"100 KB header", "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(100000, 'b') + "\r\n\r\n",
       400},
      {"negative length", "POST /metrics HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 413},
      {"huge length", "POST /metrics HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
       413},
      {"chunked", "POST /ingest/t HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n", 411},
      {"body on a GET route", "POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 413},
  };
  for (const Case& c : cases) {
    std::string answer = Exchange(c.request);
    EXPECT_EQ(StatusOf(answer), c.status) << c.name << ": " << answer.substr(0, 200);
    EXPECT_TRUE(TimeHealthz().has_value()) << "after " << c.name;
  }
}

// httplib 0.11 bounds each header line (8 KB) but not how many there are: 20,000 of them are read
// and the request is served (a known limit, see server/README.md); the server keeps serving.
TEST_F(HttpServerAbuseTest, HeaderFloodIsSurvived) {
  StartServer();
  std::string request = "GET /healthz HTTP/1.1\r\n";
  for (int i = 0; i < 20000; ++i) request += "X-H" + std::to_string(i) + ": v\r\n";
  request += "\r\n";
  std::string answer = Exchange(request);
  EXPECT_EQ(StatusOf(answer), 200) << answer.substr(0, 200);
  EXPECT_TRUE(TimeHealthz().has_value());
}

// Streams chunks of 64 KB at the server without ever ending the body, reading at the same time;
// returns the answer and how many body bytes were sent before it came (nullopt: no answer after
// `limit` bytes).
std::optional<std::pair<std::string, size_t>> StreamUntilAnswered(RawConnection& c, size_t limit) {
  // A server that refuses from the headers answers at once; reading that answer before sending
  // any body avoids racing the reset a server may send when it closes on unread bytes.
  std::string early = c.ReadAnswer(milliseconds(2000));
  if (!early.empty()) return std::make_pair(early, size_t{0});
  fcntl(c.fd(), F_SETFL, fcntl(c.fd(), F_GETFL) | O_NONBLOCK);
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
  size_t sent = 0;
  size_t offset = 0;
  std::string answer;
  const auto end = Clock::now() + std::chrono::seconds(20);
  while (sent < limit && Clock::now() < end) {
    pollfd p{c.fd(), POLLIN | POLLOUT, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[4096];
      ssize_t n = recv(c.fd(), buf, sizeof(buf), 0);
      if (n > 0) answer.append(buf, static_cast<size_t>(n));
      if (answer.find("\r\n\r\n") != std::string::npos || n <= 0) break;
    }
    if (p.revents & POLLOUT) {
      ssize_t n = send(c.fd(), chunk.data() + offset, chunk.size() - offset, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
      offset = (offset + static_cast<size_t>(n)) % chunk.size();
    }
  }
  if (answer.empty()) return std::nullopt;
  return std::make_pair(answer, sent);
}

TEST_F(HttpServerAbuseTest, EndlessChunkedBodiesAreRefusedBeforeTheyAreRead) {
  StartServer();
  for (const char* path : {"/metrics", "/ingest/events", "/nowhere"}) {
    RawConnection c(server_->port());
    ASSERT_TRUE(c.Send(std::string("POST ") + path +
                       " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    auto answered = StreamUntilAnswered(c, 256u << 20);
    ASSERT_TRUE(answered.has_value()) << path << ": no answer after 256 MB of body";
    EXPECT_EQ(StatusOf(answered->first), 411) << path << ": " << answered->first;
  }
  EXPECT_TRUE(TimeHealthz().has_value());
}

TEST_F(HttpServerAbuseTest, SlowAndSilentClientsDoNotDelayOthers) {
  StartServer();
  // 48 clients that never finish their headers (a byte every 100 ms) and 48 that send nothing:
  // together three times the old fixed pool of 16 workers.
  std::vector<std::unique_ptr<RawConnection>> slow;
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 48; ++i) {
    slow.push_back(std::make_unique<RawConnection>(server_->port()));
    silent.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(slow.back()->connected() && silent.back()->connected());
    ASSERT_TRUE(slow.back()->Send("GET /healthz HTTP/1.1\r\n"));
  }
  std::atomic<bool> stop{false};
  std::thread drip([&] {
    while (!stop) {
      for (auto& c : slow) c->Send("X");
      std::this_thread::sleep_for(milliseconds(100));
    }
  });
  std::this_thread::sleep_for(milliseconds(300));
  milliseconds slowest{0};
  for (int i = 0; i < 20; ++i) {
    auto took = TimeHealthz();
    ASSERT_TRUE(took.has_value()) << "check " << i;
    slowest = std::max(slowest, *took);
    std::this_thread::sleep_for(milliseconds(100));
  }
  stop = true;
  drip.join();
  EXPECT_LT(slowest.count(), 1000) << "slowest /healthz: " << slowest.count() << " ms";
  std::printf("96 slow/silent clients: slowest of 20 /healthz %lld ms\n",
              static_cast<long long>(slowest.count()));
}

TEST_F(HttpServerAbuseTest, NoPathReachesAFileOnDisk) {
  testing::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string secret = "secret-pipeline-contents-7f3a";
  dir.Write("pipeline.sql", secret);
  dir.Write("dashboard.json", R"({"title": "T", "clickhouse": {"url": "http://127.0.0.1:9",
      "database": "d"}, "panels": [{"id": "p", "title": "P", "type": "stat",
      "sql": "SELECT 1"}]})");
  auto service = DashboardService::Load("dashboard.json", dir.File("pipeline.sql"));
  ASSERT_TRUE(service.ok()) << service.status().message();
  HttpServerOptions options;
  options.extra_routes.push_back([&](httplib::Server& s) { (*service)->Register(s); });
  StartServer(options);
  const std::vector<std::string> paths = {
      "/assets/..",
      "/assets/../pipeline.sql",
      "/assets/../../../../../../etc/passwd",
      "/assets/%2e%2e/pipeline.sql",
      "/assets/..%2fpipeline.sql",
      "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/assets/....//....//etc/passwd",
      "/assets/..\\pipeline.sql",
      "/assets/dashboard.js/../../pipeline.sql",
      "/assets/" + dir.File("pipeline.sql"),
      "/assets/%00../pipeline.sql",
      "/../pipeline.sql",
      "/pipeline.sql",
      "/dashboard.json",
      "/" + dir.File("pipeline.sql"),
      "//etc/passwd",
      "/api/panels/../../pipeline.sql",
      "/api/panels/%2e%2e%2fp",
  };
  for (const std::string& path : paths) {
    std::string answer = Exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    int status = StatusOf(answer);
    EXPECT_TRUE(status == 404 || status == 400) << path << ": " << answer.substr(0, 300);
    EXPECT_EQ(answer.find(secret), std::string::npos) << path;
    EXPECT_EQ(answer.find("root:"), std::string::npos) << path;
  }
  EXPECT_EQ(StatusOf(Exchange("GET /assets/dashboard.js HTTP/1.1\r\n\r\n")), 200);
}

}  // namespace
}  // namespace sluice::server
