#pragma once

#include "connectors/http/http_ingest_registry.h"

namespace httplib {
class Server;
}

namespace sluice::server {

/// The route of the 'http' source: POST /ingest/<table> with an NDJSON or JSON-array body
/// (Content-Encoding gzip is decoded by the server). Answers
/// - 200 with {"accepted":N,"rejected":M,"errors":[...]} once the epoch that consumed the records
///   committed (they are in every sink);
/// - 400 with the bad records' numbers and reasons, nothing queued (unless 'http.partial');
/// - 404 for a table that is not an 'http' source of this process;
/// - 413 for a body over 'http.max-body-size' (on the wire, or while decoding gzip: decoding
///   stops there, so a small body that inflates to gigabytes is never held);
/// - 415 for multipart/form-data;
/// - 429 with Retry-After when the table's buffer is full (backpressure);
/// - 503 with Retry-After when the pipeline stopped, or the commit did not come within
///   'http.ack-timeout' (the records may still commit: a retry can duplicate them).
/// Authentication is the server's (bearer token). Handlers run on the server's worker threads and
/// block while they wait for the commit.
class IngestRoutes {
 public:
  /// Adds the route to `server` (before it listens) and raises its body limit to the largest
  /// 'http.max-body-size' among the tables `registry` holds now. `registry` must outlive `server`.
  static void Register(httplib::Server* server, const connectors::HttpIngestRegistry* registry);
};

}  // namespace sluice::server
