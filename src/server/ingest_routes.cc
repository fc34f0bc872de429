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

// Reads the body (decoded when gzip) into `body`, at most 'http.max-body-size' of it: a small
// gzip body may decode to gigabytes. Answers 413, 415 or 400 itself and returns false.
bool ReadBody(const HttpIngestQueue& queue, const httplib::Request& req,
              const httplib::ContentReader& content_reader, httplib::Response& res,
              std::string* body) {
  // The body is not read after a refusal: the connection cannot carry another request.
  if (req.is_multipart_form_data()) {
    res.set_header("Connection", "close");
    AnswerError(res, 415, "send NDJSON or a JSON array, not multipart/form-data");
    return false;
  }
  const size_t max = queue.options().max_body_bytes;
  bool too_large = false;
  const bool read = content_reader([&](const char* data, size_t n) {
    if (body->size() + n > max) {
      too_large = true;
      return false;
    }
    body->append(data, n);
    return true;
  });
  if (read) return true;
  res.set_header("Connection", "close");
  // httplib sets 413 itself for a Content-Length over the limit, 400 for a body it could not read.
  if (too_large || res.status == 413) {
    AnswerError(res, 413,
                fmt::format("the body (decoded) has more than the {} bytes 'http.max-body-size' "
                            "allows",
                            max));
  } else {
    AnswerError(res, 400, "the body could not be read (cut short, or not valid gzip)");
  }
  return false;
}

void Ingest(HttpIngestQueue& queue, const std::string& body, httplib::Response& res) {
  IngestOutcome outcome = queue.Offer(body);
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
  server->Post(R"(/ingest/([^/]+))", [registry](const httplib::Request& req, httplib::Response& res,
                                                const httplib::ContentReader& content_reader) {
    const std::string table = req.matches[1];
    std::shared_ptr<HttpIngestQueue> queue = registry->Find(table);
    if (queue == nullptr) {
      res.set_header("Connection", "close");  // the body was not read
      AnswerError(res, 404, "no 'http' source table '" + table + "'");
      return;
    }
    std::string body;
    if (ReadBody(*queue, req, content_reader, res, &body)) Ingest(*queue, body, res);
  });
}

}  // namespace sluice::server
