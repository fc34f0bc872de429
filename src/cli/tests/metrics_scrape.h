#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

namespace sluice::cli::testing {

/// One answer of the sluice HTTP server; status 0 when nothing answered.
struct ScrapeReply {
  int status = 0;
  std::string body;
};

/// GETs `path` from 127.0.0.1:`port`, with "Authorization: Bearer `token`" when one is given.
inline ScrapeReply ScrapeGet(int port, const std::string& path, const std::string& token = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  auto res = client.Get(path, headers);
  if (!res) return {};
  return {res->status, res->body};
}

/// Returns the sum of the samples of metric `name` (exact name, any labels) whose label text
/// contains `label_part` (e.g. "sink=\"out\""), or -1 when there is none.
inline double SumSamples(const std::string& exposition, const std::string& name,
                         const std::string& label_part = "") {
  std::istringstream in(exposition);
  double sum = 0;
  bool found = false;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.compare(0, name.size(), name) != 0) continue;
    const char after = line.size() > name.size() ? line[name.size()] : '\0';
    if (after != '{' && after != ' ') continue;
    const size_t space = line.rfind(' ');
    if (line.substr(0, space).find(label_part) == std::string::npos) continue;
    sum += std::strtod(line.c_str() + space + 1, nullptr);
    found = true;
  }
  return found ? sum : -1;
}

/// Calls `done` every 100 ms until it returns true (true) or `deadline` passes (false).
inline bool WaitUntil(const std::function<bool()>& done, std::chrono::seconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

}  // namespace sluice::cli::testing
