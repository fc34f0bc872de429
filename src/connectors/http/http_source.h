#pragma once

#include <memory>
#include <string>

#include "connectors/http/http_ingest_queue.h"
#include "runtime/connector_registry.h"
#include "runtime/source_reader.h"

namespace sluice::connectors {

/// The 'http' source: records POSTed to the server's /ingest/<table> route (see
/// server/ingest_routes.h) through an HttpIngestQueue registered under the table's name. One
/// split ("http"); each Poll returns one queued chunk, at position "<run>:<chunk>" where <run>
/// identifies this process's source. Chunks stay in memory from acceptance until the epoch that
/// consumed them commits (CommitConsumed), which is when their requests are answered 200. ReadUntil
/// returns a held chunk again; for a position of another run (a restarted process) it returns no
/// rows: those records were never acknowledged, so their clients retry them. Unbounded. Called
/// from the pipeline thread only; the queue is what request threads touch.
class HttpSource : public runtime::SourceReader {
 public:
  /// Reads options 'format' (only 'json'), 'http.partial', 'http.max-body-size',
  /// 'http.buffer-rows', 'http.retry-after', 'http.ack-timeout' and registers the queue.
  static Result<std::unique_ptr<runtime::SourceReader>> Create(
      const runtime::SourceContext& context);

  HttpSource(std::shared_ptr<HttpIngestQueue> queue, SchemaPtr schema);
  ~HttpSource() override;

  Status Open() override { return Status::Ok(); }
  Result<std::optional<runtime::SourceBatch>> Poll(size_t max_rows) override;
  Result<runtime::SourceBatch> ReadUntil(SplitId split, const std::string& end_position) override;
  bool Finished() const override { return false; }
  size_t num_splits() const override { return 1; }
  std::string split_name(SplitId) const override { return "http"; }
  /// Marks the delivered chunks up to the position of `positions` committed: their requests are
  /// answered 200. Chunks delivered after it wait for their epoch's commit.
  Status CommitConsumed(const std::map<SplitId, std::string>& positions) override;
  /// Unregisters the queue; waiting requests are answered 503.
  void Close() override;

  HttpIngestQueue& queue() { return *queue_; }

 private:
  std::string Position(uint64_t sequence) const;

  std::shared_ptr<HttpIngestQueue> queue_;
  SchemaPtr schema_;
  std::string run_;
  bool closed_ = false;
};

}  // namespace sluice::connectors
