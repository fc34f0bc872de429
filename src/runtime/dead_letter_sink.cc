#include "runtime/dead_letter_sink.h"

#include <fmt/format.h>

#include "sql/dead_letter_table.h"

namespace sluice::runtime {
namespace {

/// Returns the length of the valid UTF-8 sequence (not NUL) starting at s[i], or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  size_t n = c >= 0xC2 && c <= 0xDF   ? 2
             : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  const unsigned char second = byte(i + 1);
  if ((c == 0xE0 && second < 0xA0) || (c == 0xED && second > 0x9F) ||
      (c == 0xF0 && second < 0x90) || (c == 0xF4 && second > 0x8F)) {
    return 0;  // overlong, surrogate or above U+10FFFF
  }
  return n;
}

bool IsCleanUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<DeadLetterSink>> DeadLetterSink::Create(
    const sql::CatalogTablePtr& table, const ConnectorRegistry& connectors,
    const std::string& pipeline_name, const std::string& run_id,
    const std::map<std::string, std::string>& settings) {
  SinkContext context;
  context.table = table;
  context.input_schema = sql::DeadLetterTable::Schema();
  context.pipeline_name = pipeline_name;
  context.run_id = run_id;
  // Not the table's name: a job may INSERT INTO the same table, and the name is part of every
  // write's identity (pipeline, sink, epoch, block).
  context.sink_name = "dead-letter." + table->name;
  context.settings = settings;
  auto writer = connectors.CreateSink(context);
  if (!writer.ok()) {
    return writer.status().WithContext(fmt::format("dead-letter table '{}'", table->name));
  }
  return std::unique_ptr<DeadLetterSink>(new DeadLetterSink(
      table->name, std::make_unique<SinkOperator>(context.sink_name, std::move(*writer))));
}

void DeadLetterSink::EscapeRaw(DeadLetter* letter) {
  if (IsCleanUtf8(letter->raw)) return;
  std::string text;
  const std::string_view raw = letter->raw;
  for (size_t i = 0; i < raw.size();) {
    size_t n = Utf8SequenceLength(raw, i);
    if (n == 0) {
      text += fmt::format("\\x{:02X}", static_cast<unsigned char>(raw[i]));
      n = 1;
    } else if (raw[i] == '\\') {
      text += "\\\\";
    } else {
      text.append(raw.substr(i, n));
    }
    i += n;
  }
  letter->raw = std::move(text);
  letter->message += kEscapedNote;
}

void DeadLetterSink::Add(DeadLetter letter) {
  EscapeRaw(&letter);
  std::lock_guard<std::mutex> lock(mu_);
  pending_.push_back(std::move(letter));
}

void DeadLetterSink::SealEpoch(int64_t time_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  sealed_ = std::move(pending_);
  pending_.clear();
  rejected_.clear();
  sealed_time_ms_ = time_ms;
}

void DeadLetterSink::AddRejected(DeadLetter letter) {
  EscapeRaw(&letter);
  std::lock_guard<std::mutex> lock(mu_);
  letter.time_ms = sealed_time_ms_;
  rejected_[letter.source].push_back(std::move(letter));
}

Status DeadLetterSink::WriteEpoch(EpochId epoch) {
  std::vector<DeadLetter> letters;
  {
    std::lock_guard<std::mutex> lock(mu_);
    letters.swap(sealed_);
    for (auto& [sink, refused] : rejected_) {
      std::move(refused.begin(), refused.end(), std::back_inserter(letters));
    }
    rejected_.clear();
  }
  const SchemaPtr schema = sql::DeadLetterTable::Schema();
  for (size_t first = 0; first < letters.size(); first += kRowsPerBlock) {
    const size_t end = std::min(letters.size(), first + kRowsPerBlock);
    auto batch = std::make_shared<Batch>();
    batch->schema = schema;
    std::vector<std::shared_ptr<Column>> columns;
    for (const auto& field : schema->fields()) {
      columns.push_back(std::make_shared<Column>(field.type));
    }
    for (size_t i = first; i < end; ++i) {
      const DeadLetter& l = letters[i];
      columns[0]->AppendString(l.source);
      columns[1]->AppendString(l.location);
      columns[2]->AppendString(l.error_class);
      columns[3]->AppendString(l.message);
      columns[4]->AppendString(l.raw);
      columns[5]->AppendInt(l.time_ms);
    }
    batch->columns.assign(columns.begin(), columns.end());
    batch->num_rows = end - first;
    RETURN_IF_ERROR(sink_->Process(batch, 0));
  }
  Status written = sink_->WriteEpoch(epoch);
  if (written.ok()) written = sink_->CommitEpoch(epoch);
  return written.WithContext("dead-letter table '" + table_name_ + "'");
}

void DeadLetterSink::DiscardEpoch() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.clear();
    sealed_.clear();
    rejected_.clear();
  }
  sink_->DiscardEpoch();
}

}  // namespace sluice::runtime
