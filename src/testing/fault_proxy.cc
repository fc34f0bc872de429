#include "testing/fault_proxy.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sluice::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

int ConnectLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Closes with a reset (RST) instead of an orderly FIN.
void CloseWithReset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  close(fd);
}

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Reads from `fd` into `out` until it holds `want` bytes; gives up after 10 s of silence.
bool ReadAtLeast(int fd, std::string* out, size_t want) {
  char buf[16384];
  while (out->size() < want) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 10000) <= 0) return false;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    out->append(buf, static_cast<size_t>(n));
  }
  return true;
}

// Reads one HTTP request with a Content-Length body (or none) from `fd`.
bool ReadHttpRequest(int fd, std::string* request) {
  size_t header_end;
  while ((header_end = request->find("\r\n\r\n")) == std::string::npos) {
    if (!ReadAtLeast(fd, request, request->size() + 1)) return false;
  }
  std::string head = request->substr(0, header_end);
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t body = 0;
  size_t at = head.find("\r\ncontent-length:");
  if (at != std::string::npos) body = std::stoull(head.substr(at + 17));
  return ReadAtLeast(fd, request, header_end + 4 + body);
}

}  // namespace

Result<std::unique_ptr<FaultProxy>> FaultProxy::Start(int upstream_port) {
  std::unique_ptr<FaultProxy> proxy(new FaultProxy());
  proxy->upstream_port_ = upstream_port;
  proxy->listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof(addr);
  if (bind(proxy->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(proxy->listen_fd_, 128) != 0 ||
      getsockname(proxy->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Status::IoError(fmt::format("fault proxy: cannot listen: {}", std::strerror(errno)));
  }
  proxy->port_ = ntohs(addr.sin_port);
  proxy->acceptor_ = std::thread([p = proxy.get()] { p->Accept(); });
  return proxy;
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  for (std::thread& t : connection_threads_) t.join();
  close(listen_fd_);
}

void FaultProxy::SetFault(Fault fault, std::string http_answer) {
  std::lock_guard<std::mutex> lock(mu_);
  fault_ = fault;
  http_answer_ = std::move(http_answer);
  ++generation_;
}

void FaultProxy::Accept() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    ++connections_;
    connection_threads_.emplace_back([this, client] { Serve(client); });
  }
}

void FaultProxy::Serve(int client) {
  Fault fault;
  std::string answer;
  int64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fault = fault_;
    answer = http_answer_;
    generation = generation_;
  }
  if (fault != Fault::kNone) ++faulted_;
  if (fault == Fault::kReset) {
    CloseWithReset(client);
    return;
  }
  if (fault == Fault::kHttpError) {
    std::string request;
    if (ReadHttpRequest(client, &request)) SendAll(client, answer.data(), answer.size());
    close(client);
    return;
  }
  int upstream = ConnectLoopback(upstream_port_);
  if (upstream < 0) {
    CloseWithReset(client);
    return;
  }
  if (fault == Fault::kLoseResponse) {
    ForwardOneRequest(client, upstream);
    close(upstream);
    CloseWithReset(client);
    return;
  }
  Forward(client, upstream, generation);
  close(upstream);
  close(client);
}

bool FaultProxy::ForwardOneRequest(int client, int upstream) {
  std::string request;
  if (!ReadHttpRequest(client, &request)) return false;
  if (!SendAll(upstream, request.data(), request.size())) return false;
  // The first byte of the answer means the server finished the request.
  std::string answer;
  return ReadAtLeast(upstream, &answer, 1);
}

void FaultProxy::Forward(int client, int upstream, int64_t generation) {
  char buf[65536];
  while (!stop_ && generation_ == generation) {
    pollfd p[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (poll(p, 2, 50) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (p[i].revents == 0) continue;
      ssize_t n = recv(p[i].fd, buf, sizeof(buf), 0);
      if (n <= 0) return;
      if (int64_t delay = delay_ms_; delay > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      }
      if (!SendAll(p[1 - i].fd, buf, static_cast<size_t>(n))) return;
    }
  }
}

}  // namespace sluice::testing
