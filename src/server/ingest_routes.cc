#include "server/ingest_routes.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <string>

namespace sluice::server {
namespace {

using connectors::HttpIngestQueue;
using connectors::IngestOutcome;

void Answer(httplib::Response& res, int status, const std::string& json) {
  res.status = status;
  res.set_content(json, "application/json");
}

void AnswerError(httplib::Response& res, int status, const std::string& message) {
  IngestOutcome outcome;
  outcome.body_error = message;
  Answer(res, status, outcome.ToJson());
}

void AnswerRetry(httplib::Response& res, int status, const HttpIngestQueue& queue,
                 const std::string& message) {
  res.set_header("Retry-After", std::to_string(queue.options().retry_after_seconds));
  AnswerError(res, status, message);
}

void Ingest(HttpIngestQueue& queue, const httplib::Request& req, httplib::Response& res) {
  if (req.body.size() > queue.options().max_body_bytes) {
    AnswerError(res, 413,
                fmt::format("the body has {} bytes; 'http.max-body-size' allows {}",
                            req.body.size(), queue.options().max_body_bytes));
    return;
  }
  IngestOutcome outcome = queue.Offer(req.body);
  switch (outcome.kind) {
    case IngestOutcome::Kind::kRejected:
      Answer(res, 400, outcome.ToJson());
      return;
    case IngestOutcome::Kind::kBufferFull:
      AnswerRetry(res, 429, queue, "the buffer of table '" + queue.table() + "' is full");
      return;
    case IngestOutcome::Kind::kClosed:
      AnswerRetry(res, 503, queue, "table '" + queue.table() + "' is not being read");
      return;
    case IngestOutcome::Kind::kQueued:
      break;
  }
  if (outcome.ticket != 0 &&
      !queue.WaitCommitted(outcome.ticket,
                           std::chrono::milliseconds(queue.options().ack_timeout_ms))) {
    AnswerRetry(res, 503, queue,
                "the records were not committed in time; they may still be (a retry can "
                "duplicate them)");
    return;
  }
  Answer(res, 200, outcome.ToJson());
}

}  // namespace

void IngestRoutes::Register(httplib::Server* server,
                            const connectors::HttpIngestRegistry* registry) {
  size_t max_body = registry->max_body_bytes();
  if (max_body > 0) server->set_payload_max_length(max_body);
  server->Post(R"(/ingest/([^/]+))",
               [registry](const httplib::Request& req, httplib::Response& res) {
                 const std::string table = req.matches[1];
                 std::shared_ptr<HttpIngestQueue> queue = registry->Find(table);
                 if (queue == nullptr) {
                   AnswerError(res, 404, "no 'http' source table '" + table + "'");
                   return;
                 }
                 Ingest(*queue, req, res);
               });
}

}  // namespace sluice::server
