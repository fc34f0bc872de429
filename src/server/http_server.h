#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics_registry.h"
#include "common/status.h"
#include "runtime/pipeline_snapshot.h"

namespace httplib {
class Server;
}

namespace sluice::server {

/// Where and how the server listens ('server.*' settings).
struct HttpServerOptions {
  std::string bind_address = "127.0.0.1";
  int port = 0;            // 0: any free port (see HttpServer::port)
  std::string auth_token;  // when set, every route but /healthz needs "Bearer <token>"
  /// More routes (the dashboard, ...), each added by a function called before the server
  /// listens; what they capture must outlive the server.
  std::vector<std::function<void(httplib::Server&)>> extra_routes;
};

/// Returns the pipeline's last published snapshot; called on server threads, so thread-safe.
using SnapshotProvider = std::function<runtime::PipelineSnapshot()>;

/// The embedded HTTP server: GET /healthz (always 200 "ok", no auth), /readyz (200 or 503 with
/// the reason), /metrics (Prometheus text 0.0.4) and /api/status (JSON). It never touches
/// pipeline state directly: it reads the registry's atomics and the snapshot the pipeline thread
/// publishes. Lifecycle: Start (binds, then serves on its own threads), Stop or destroy. The token
/// is never logged or echoed.
class HttpServer {
 public:
  /// Binds `options.bind_address`:`options.port` and starts serving. `metrics` and the provider
  /// must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   const MetricsRegistry* metrics,
                                                   SnapshotProvider snapshot);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Returns the bound port (the chosen one when options.port was 0).
  int port() const { return port_; }
  /// Stops accepting, finishes the requests in progress and joins the server thread. Idempotent.
  void Stop();

 private:
  HttpServer() = default;
  void AddRoutes();
  bool Authorized(const std::string& authorization_header) const;

  HttpServerOptions options_;
  const MetricsRegistry* metrics_ = nullptr;
  SnapshotProvider snapshot_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace sluice::server
