#include "connectors/http/http_ingest_queue.h"

#include <fmt/format.h>

#include "common/json_string.h"
#include "connectors/http/ingest_body_reader.h"

namespace sluice::connectors {

std::string IngestOutcome::ToJson() const {
  std::string out = fmt::format("{{\"accepted\":{},\"rejected\":{}", accepted, rejected);
  if (!body_error.empty()) {
    out += ",\"error\":";
    AppendJsonString(body_error, &out);
  }
  out += ",\"errors\":[";
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{{\"line\":{},\"reason\":", errors[i].number);
    AppendJsonString(errors[i].reason, &out);
    out += '}';
  }
  out += "]}\n";
  return out;
}

struct HttpIngestQueue::Decoded {
  std::vector<BatchPtr> chunks;
  size_t rows = 0;
  IngestOutcome outcome;
};

HttpIngestQueue::HttpIngestQueue(std::string table, SchemaPtr schema, RecordDecoderFactory decoders,
                                 Options options, runtime::BadRecordReporter* reporter)
    : table_(std::move(table)),
      schema_(std::move(schema)),
      decoder_factory_(std::move(decoders)),
      options_(options),
      reporter_(reporter) {}

std::unique_ptr<runtime::RecordDecoder> HttpIngestQueue::AcquireDecoder(Status* status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_decoders_.empty()) {
      auto decoder = std::move(idle_decoders_.back());
      idle_decoders_.pop_back();
      return decoder;
    }
  }
  auto decoder = decoder_factory_();
  if (!decoder.ok()) {
    *status = decoder.status();
    return nullptr;
  }
  return std::move(*decoder);
}

void HttpIngestQueue::ReleaseDecoder(std::unique_ptr<runtime::RecordDecoder> decoder) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_decoders_.push_back(std::move(decoder));
}

HttpIngestQueue::Decoded HttpIngestQueue::Decode(std::string_view body) {
  Decoded d;
  Status status;
  auto decoder = AcquireDecoder(&status);
  if (decoder == nullptr) {
    d.outcome.body_error = status.message();
    return d;
  }
  uint64_t request;
  {
    std::lock_guard<std::mutex> lock(mu_);
    request = ++requests_;
  }
  runtime::BatchBuilder builder(schema_);
  IngestBodyReader reader(body);
  std::string_view record;
  int64_t number = 0;
  while (reader.Next(&record, &number)) {
    Status s = decoder->Decode(record, &builder);
    if (!s.ok()) {
      ++d.outcome.rejected;
      if (d.outcome.errors.size() < IngestOutcome::kMaxListedErrors) {
        d.outcome.errors.push_back({number, s.message()});
      }
      if (reporter_ != nullptr) {
        reporter_->Report(table_, fmt::format("http:{}#{}:{}", table_, request, number), record,
                          s.message());
      }
      continue;
    }
    if (builder.num_rows() >= options_.chunk_rows) {
      d.rows += builder.num_rows();
      d.chunks.push_back(builder.Finish());
    }
  }
  if (builder.num_rows() > 0) {
    d.rows += builder.num_rows();
    d.chunks.push_back(builder.Finish());
  }
  ReleaseDecoder(std::move(decoder));
  if (!reader.status().ok()) d.outcome.body_error = reader.status().message();
  return d;
}

IngestOutcome HttpIngestQueue::Offer(std::string_view body) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    IngestOutcome refused;
    refused.kind = closed_ ? IngestOutcome::Kind::kClosed : IngestOutcome::Kind::kBufferFull;
    if (closed_ || buffered_rows_ >= options_.buffer_rows) return refused;
  }
  Decoded d = Decode(body);
  IngestOutcome& outcome = d.outcome;
  const bool bad = outcome.rejected > 0 || !outcome.body_error.empty();
  if (!outcome.body_error.empty() || (bad && !options_.partial) || (bad && d.rows == 0)) {
    outcome.kind = IngestOutcome::Kind::kRejected;
    return outcome;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) {
    outcome.kind = IngestOutcome::Kind::kClosed;
    return outcome;
  }
  if (buffered_rows_ + d.rows > options_.buffer_rows && buffered_rows_ > 0) {
    outcome.kind = IngestOutcome::Kind::kBufferFull;
    return outcome;
  }
  for (auto& batch : d.chunks) queued_.push_back({next_sequence_++, std::move(batch)});
  buffered_rows_ += d.rows;
  outcome.kind = IngestOutcome::Kind::kQueued;
  outcome.accepted = static_cast<int64_t>(d.rows);
  outcome.ticket = d.chunks.empty() ? 0 : next_sequence_ - 1;
  return outcome;
}

bool HttpIngestQueue::WaitCommitted(uint64_t ticket, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  committed_cv_.wait_for(lock, timeout, [&] { return committed_ >= ticket || closed_; });
  return committed_ >= ticket;
}

std::optional<HttpIngestQueue::Chunk> HttpIngestQueue::TakeNext() {
  std::lock_guard<std::mutex> lock(mu_);
  if (queued_.empty()) return std::nullopt;
  Chunk chunk = std::move(queued_.front());
  queued_.pop_front();
  delivered_.push_back(chunk);
  return chunk;
}

std::optional<HttpIngestQueue::Chunk> HttpIngestQueue::Retained(uint64_t sequence) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& chunk : delivered_) {
    if (chunk.sequence == sequence) return chunk;
  }
  return std::nullopt;
}

void HttpIngestQueue::CommitDelivered(uint64_t through) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (delivered_.empty() || delivered_.front().sequence > through) return;
    while (!delivered_.empty() && delivered_.front().sequence <= through) {
      committed_ = delivered_.front().sequence;
      buffered_rows_ -= delivered_.front().batch->num_rows;
      delivered_.pop_front();
    }
  }
  committed_cv_.notify_all();
}

void HttpIngestQueue::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  committed_cv_.notify_all();
}

size_t HttpIngestQueue::buffered_rows() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buffered_rows_;
}

}  // namespace sluice::connectors
