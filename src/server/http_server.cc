#include "server/http_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <chrono>

#include "common/secret_redactor.h"
#include "common/wall_clock.h"
#include "server/connection_threads.h"
#include "server/ingest_routes.h"
#include "server/pipeline_readiness.h"
#include "server/status_json.h"

namespace sluice::server {
namespace {

// Compares in time independent of where the strings first differ.
bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

// One thread per connection (POST /ingest requests hold theirs until their epoch commits; slow
// clients hold only their own), at most this many at once; idle ones end after a while.
constexpr size_t kMaxConnectionThreads = 256;
constexpr std::chrono::seconds kIdleThreadExit{10};
// The largest body a request may carry when no 'http' source raises it (no other route reads one).
constexpr size_t kDefaultMaxBodyBytes = 64 * 1024;

bool HasBody(const httplib::Request& req) {
  const std::string length = req.get_header_value("Content-Length");
  return !length.empty() && length != "0";
}

// Refuses, before a byte of it is read, a body the server could not bound: chunked transfer
// encoding (httplib reads it whole, whatever its size) and any body for a route that takes none.
// Returns whether `res` holds the refusal.
bool RefuseUnboundedBody(const httplib::Request& req, httplib::Response& res) {
  if (req.has_header("Transfer-Encoding")) {
    res.status = 411;
    res.set_content("send the body with Content-Length; Transfer-Encoding is not accepted\n",
                    "text/plain");
  } else if (HasBody(req) && req.path.rfind("/ingest/", 0) != 0) {
    res.status = 413;
    res.set_content("this route takes no request body\n", "text/plain");
  } else {
    return false;
  }
  // The body was not read: the connection cannot carry another request.
  res.set_header("Connection", "close");
  return true;
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      const MetricsRegistry* metrics,
                                                      SnapshotProvider snapshot) {
  std::unique_ptr<HttpServer> s(new HttpServer());
  s->options_ = options;
  s->metrics_ = metrics;
  s->snapshot_ = std::move(snapshot);
  s->server_ = std::make_unique<httplib::Server>();
  s->server_->new_task_queue = [] {
    return new ConnectionThreads(kMaxConnectionThreads, kIdleThreadExit);
  };
  s->server_->set_payload_max_length(kDefaultMaxBodyBytes);
  // Only SO_REUSEADDR: httplib's default adds SO_REUSEPORT, which would let a second process bind
  // the same port and take a share of the requests.
  socket_t listening = INVALID_SOCKET;
  s->server_->set_socket_options([&listening](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listening = sock;
  });
  s->AddRoutes();
  if (options.port == 0) {
    s->port_ = s->server_->bind_to_any_port(options.bind_address);
  } else {
    s->port_ = s->server_->bind_to_port(options.bind_address, options.port) ? options.port : -1;
  }
  if (s->port_ <= 0) {
    return Status::IoError(
        fmt::format("HTTP server: cannot listen on {}:{}", options.bind_address, options.port));
  }
  // httplib listens with a backlog of 5: a burst of connections (scrapers, dashboards, ingest
  // clients) would have its SYNs dropped and wait a second for the retransmission.
  ::listen(listening, SOMAXCONN);
  httplib::Server* server = s->server_.get();
  s->thread_ = std::thread([server] { server->listen_after_bind(); });
  // Stop() only takes effect once the listen loop runs; wait for it so Stop never misses it.
  for (int i = 0; i < 5000 && !server->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return s;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

bool HttpServer::Authorized(const std::string& authorization_header) const {
  if (options_.auth_token.empty()) return true;
  return ConstantTimeEquals(authorization_header, "Bearer " + options_.auth_token);
}

void HttpServer::AddRoutes() {
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/healthz" || Authorized(req.get_header_value("Authorization"))) {
      return RefuseUnboundedBody(req, res) ? httplib::Server::HandlerResponse::Handled
                                           : httplib::Server::HandlerResponse::Unhandled;
    }
    res.set_header("Connection", "close");
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer");
    res.set_content("unauthorized\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    Readiness r = CheckReadiness(snapshot_(), WallClockMillis());
    res.status = r.ready ? 200 : 503;
    res.set_content(
        r.ready ? "ready\n" : SecretRedactor::Global().Redact("not ready: " + r.reason + "\n"),
        "text/plain");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(SecretRedactor::Global().Redact(metrics_->RenderPrometheus()),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/api/status", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(SecretRedactor::Global().Redact(StatusJson(snapshot_(), WallClockMillis())),
                    "application/json");
  });
  IngestRoutes::Register(server_.get(), &connectors::HttpIngestRegistry::Global());
  for (const auto& add_routes : options_.extra_routes) add_routes(*server_);
}

}  // namespace sluice::server
