#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace sluice::testing {

/// A loopback TCP proxy in front of a test server (ClickHouse's HTTP port, ...) that injects
/// faults a real network and a real server produce: connections reset at once (the server is
/// unreachable), every forwarded chunk delayed (a slow server), an HTTP error answer instead of
/// the server's (a server returning errors), and a request forwarded whose answer is then
/// dropped (the server did the work, the client never hears of it). Each accepted connection is
/// served on its own thread; a connection that is forwarding is closed as soon as a fault is set,
/// so a client with a kept-alive connection meets the fault on its next request. Thread-safe.
class FaultProxy {
 public:
  enum class Fault {
    kNone,          // forward both ways (after the delay)
    kReset,         // accept and close with a reset, read nothing
    kHttpError,     // read one HTTP request, answer `http_answer`, close
    kLoseResponse,  // forward one HTTP request, wait for the server's answer, close unanswered
  };

  /// Listens on a free 127.0.0.1 port and forwards to 127.0.0.1:`upstream_port`.
  static Result<std::unique_ptr<FaultProxy>> Start(int upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  /// Sets the fault for connections from now on and closes those forwarding; `http_answer` is
  /// the whole raw answer for kHttpError.
  void SetFault(Fault fault, std::string http_answer = "");
  /// Delays every forwarded chunk, in both directions, by `delay`.
  void SetDelay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  /// Returns how many connections met a fault other than kNone.
  int64_t faulted_connections() const { return faulted_; }
  /// Returns how many connections were accepted.
  int64_t connections() const { return connections_; }

 private:
  FaultProxy() = default;
  void Accept();
  void Serve(int client);
  void Forward(int client, int upstream, int64_t generation);
  bool ForwardOneRequest(int client, int upstream);

  int listen_fd_ = -1;
  int port_ = 0;
  int upstream_port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> delay_ms_{0};
  std::atomic<int64_t> generation_{0};  // bumped by SetFault: forwarding connections close
  std::atomic<int64_t> faulted_{0};
  std::atomic<int64_t> connections_{0};
  std::mutex mu_;
  Fault fault_ = Fault::kNone;
  std::string http_answer_;
  std::thread acceptor_;
  std::vector<std::thread> connection_threads_;
};

}  // namespace sluice::testing
