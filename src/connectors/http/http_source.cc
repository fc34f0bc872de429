#include "connectors/http/http_source.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>

#include "common/byte_size.h"
#include "connectors/connector_options.h"
#include "connectors/formats/format_factory.h"
#include "connectors/http/http_ingest_registry.h"

namespace sluice::connectors {
namespace {

// Distinguishes this source's positions from those of an earlier process.
std::string RunId() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return fmt::format("{:x}.{:x}",
                     std::chrono::duration_cast<std::chrono::microseconds>(now).count(),
                     static_cast<unsigned>(getpid()));
}

Result<HttpIngestQueue::Options> ParseQueueOptions(const runtime::SourceContext& context) {
  ConnectorOptions options(context.table->options);
  RETURN_IF_ERROR(options.CheckKnown(
      "http.", {"partial", "max-body-size", "buffer-rows", "retry-after", "ack-timeout"},
      "connector 'http'"));
  HttpIngestQueue::Options q;
  ASSIGN_OR_RETURN(q.partial, options.GetBool("http.partial", false));
  if (options.Has("http.max-body-size")) {
    ASSIGN_OR_RETURN(q.max_body_bytes, ParseByteSize(options.GetString("http.max-body-size")));
  }
  ASSIGN_OR_RETURN(int64_t rows, options.GetInt("http.buffer-rows", 1 << 20));
  ASSIGN_OR_RETURN(q.retry_after_seconds, options.GetDurationMillis("http.retry-after", 1000));
  q.retry_after_seconds = std::max<int64_t>(1, (q.retry_after_seconds + 999) / 1000);
  ASSIGN_OR_RETURN(q.ack_timeout_ms, options.GetDurationMillis("http.ack-timeout", 30'000));
  if (rows <= 0 || q.ack_timeout_ms <= 0 || q.max_body_bytes == 0) {
    return Status::InvalidArgument(
        "connector 'http': 'http.buffer-rows', 'http.ack-timeout' and 'http.max-body-size' must "
        "be positive");
  }
  q.buffer_rows = static_cast<size_t>(rows);
  auto batch = context.settings.find("execution.batch-size");
  if (batch != context.settings.end()) {
    q.chunk_rows =
        static_cast<size_t>(std::max(1L, std::strtol(batch->second.c_str(), nullptr, 10)));
  }
  return q;
}

Status CheckColumns(const runtime::SourceContext& context) {
  std::vector<const sql::CatalogColumn*> stored;
  for (const auto& c : context.table->columns) {
    if (c.kind != sql::ColumnKind::kComputed) stored.push_back(&c);
  }
  for (size_t i = 0; i < context.decoded_schema->size(); ++i) {
    size_t s = context.decoded_columns.empty() ? i : context.decoded_columns[i];
    if (s < stored.size() && stored[s]->kind == sql::ColumnKind::kMetadata) {
      return Status::InvalidArgument(fmt::format(
          "connector 'http' has no metadata columns; '{}' cannot be read", stored[s]->name));
    }
  }
  std::string format = context.table->option("format", "json");
  if (format != "json") {
    return Status::InvalidArgument("connector 'http' reads 'format' = 'json' only, not '" + format +
                                   "'");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<runtime::SourceReader>> HttpSource::Create(
    const runtime::SourceContext& context) {
  RETURN_IF_ERROR(CheckColumns(context));
  ASSIGN_OR_RETURN(HttpIngestQueue::Options options, ParseQueueOptions(context));
  std::map<std::string, std::string> format_options = context.table->options;
  format_options["format"] = "json";
  SchemaPtr schema = context.decoded_schema;
  std::vector<size_t> columns = context.decoded_columns;
  size_t num_stored = context.table->stored_schema().size();
  // Fail at start-up, not on the first request, when the format options are wrong.
  RETURN_IF_ERROR(
      FormatFactory::CreateDecoder(format_options, schema, columns, num_stored).status());
  RecordDecoderFactory decoders = [format_options, schema, columns, num_stored] {
    return FormatFactory::CreateDecoder(format_options, schema, columns, num_stored);
  };
  auto queue = std::make_shared<HttpIngestQueue>(context.table->name, schema, std::move(decoders),
                                                 options, context.bad_records);
  RETURN_IF_ERROR(HttpIngestRegistry::Global().Add(queue));
  return std::unique_ptr<runtime::SourceReader>(std::make_unique<HttpSource>(queue, schema));
}

HttpSource::HttpSource(std::shared_ptr<HttpIngestQueue> queue, SchemaPtr schema)
    : queue_(std::move(queue)), schema_(std::move(schema)), run_(RunId()) {}

HttpSource::~HttpSource() { Close(); }

std::string HttpSource::Position(uint64_t sequence) const {
  return fmt::format("{}:{}", run_, sequence);
}

Result<std::optional<runtime::SourceBatch>> HttpSource::Poll(size_t /*max_rows*/) {
  std::optional<HttpIngestQueue::Chunk> chunk = queue_->TakeNext();
  if (!chunk) return std::optional<runtime::SourceBatch>();
  return std::optional<runtime::SourceBatch>(
      runtime::SourceBatch{SplitId(0), chunk->batch, Position(chunk->sequence)});
}

Result<runtime::SourceBatch> HttpSource::ReadUntil(SplitId split, const std::string& end_position) {
  size_t colon = end_position.rfind(':');
  if (split.value() != 0 || colon == std::string::npos) {
    return Status::DataError(
        fmt::format("'http' source: no split {} position '{}'", split.value(), end_position));
  }
  runtime::SourceBatch out{split, nullptr, end_position};
  if (end_position.compare(0, colon, run_) == 0) {
    uint64_t sequence = std::strtoull(end_position.c_str() + colon + 1, nullptr, 10);
    std::optional<HttpIngestQueue::Chunk> chunk = queue_->Retained(sequence);
    if (!chunk) {
      return Status::DataError(fmt::format(
          "'http' source: chunk {} is no longer held (committed epochs are not re-read)",
          sequence));
    }
    out.batch = chunk->batch;
    return out;
  }
  // Another run's records: never acknowledged, so not replayed (their clients retry them).
  out.batch = runtime::BatchBuilder(schema_).Finish();
  return out;
}

Status HttpSource::CommitConsumed(const std::map<SplitId, std::string>& positions) {
  auto position = positions.find(SplitId(0));
  if (position == positions.end()) return Status::Ok();
  const std::string& end = position->second;
  const size_t colon = end.rfind(':');
  // Another run's positions (replayed at recovery) name no chunk of this queue.
  if (colon == std::string::npos || end.compare(0, colon, run_) != 0) return Status::Ok();
  queue_->CommitDelivered(std::strtoull(end.c_str() + colon + 1, nullptr, 10));
  return Status::Ok();
}

void HttpSource::Close() {
  if (closed_) return;
  closed_ = true;
  queue_->Close();
  HttpIngestRegistry::Global().Remove(queue_.get());
}

}  // namespace sluice::connectors
