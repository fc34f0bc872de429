#include "runtime/source_stage.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

namespace sluice::runtime {
namespace {

// The decoded type of a column two scans decode: a ROW field is left unread only when both
// leave it unread (sql::UnreadFieldMarker marks the fields a scan's job never reads).
LogicalType ReadByEither(const LogicalType& a, const LogicalType& b) {
  if (!a.nested || !b.nested || a.nested == b.nested) return a;
  if (a.nested->types.size() != b.nested->types.size()) return a;
  auto nested = std::make_shared<NestedType>(*a.nested);
  bool any_unread = false;
  for (size_t i = 0; i < nested->types.size(); ++i) {
    nested->types[i] = ReadByEither(a.nested->types[i], b.nested->types[i]);
    if (a.id != TypeId::kRow) continue;
    const bool unread = a.nested->IsUnread(i) && b.nested->IsUnread(i);
    if (i < nested->unread.size()) nested->unread[i] = unread ? 1 : 0;
    any_unread |= unread;
  }
  if (!any_unread) nested->unread.clear();
  LogicalType out = a;
  out.nested = std::move(nested);
  return out;
}

}  // namespace

SourceStage::Read SourceStage::UnionOfReads(const std::vector<const sql::ScanSpec*>& scans) {
  Read read;
  if (scans.size() == 1) {  // the common case reads exactly what its scan decodes
    read.columns = scans[0]->decoded_columns;
    read.schema = scans[0]->decoded_schema;
    return read;
  }
  // Each column's decoded type, merged over the scans that decode it (ascending by column).
  std::map<size_t, LogicalType> columns;
  for (const auto* scan : scans) {
    for (size_t k = 0; k < scan->decoded_columns.size(); ++k) {
      const size_t c = scan->decoded_columns[k];
      const LogicalType& type = scan->decoded_schema->field(k).type;
      auto [it, fresh] = columns.emplace(c, type);
      if (!fresh) it->second = ReadByEither(it->second, type);
    }
  }
  const Schema stored = scans.empty() ? Schema() : scans[0]->table->stored_schema();
  auto schema = std::make_shared<Schema>();
  for (const auto& [c, type] : columns) {
    read.columns.push_back(c);
    Field field = stored.field(c);
    field.type = type;
    schema->Add(std::move(field));
  }
  read.schema = schema;
  return read;
}

SourceStage::SourceStage(std::string table_name, std::unique_ptr<SourceReader> reader,
                         std::vector<size_t> read_columns, BadRecordReporter* bad_records)
    : table_name_(std::move(table_name)),
      reader_(std::move(reader)),
      read_columns_(std::move(read_columns)),
      bad_records_(bad_records) {}

Status SourceStage::AddScan(const sql::ScanSpec& scan, Operator* op, size_t input,
                            const expr::FunctionRegistry& functions, const std::string& job_name) {
  // Only the first scan reports NULL rowtimes: every scan of the table sees the same rows.
  ASSIGN_OR_RETURN(auto stage, ScanStage::Create(scan, read_columns_, functions,
                                                 scans_.empty() ? bad_records_ : nullptr));
  stage->AddOutput(op, input);
  scans_.push_back(std::move(stage));
  if (job_names_.empty() || job_names_.back() != job_name) job_names_.push_back(job_name);
  return Status::Ok();
}

Status SourceStage::Open() {
  RETURN_IF_ERROR(reader_->Open());
  for (auto& scan : scans_) scan->SetSplitCount(reader_->num_splits());
  return Status::Ok();
}

Watermark SourceStage::watermark() const {
  Watermark wm = kMaxWatermark;
  for (const auto& scan : scans_) wm = std::min(wm, scan->watermark());
  return scans_.empty() ? kMinWatermark : wm;
}

std::string SourceStage::Describe() const {
  std::string s = fmt::format("Source[{}]: {} split(s)", table_name_, reader_->num_splits());
  if (scans_.size() > 1) {
    s += fmt::format(", read once for {} scans (jobs {})", scans_.size(),
                     fmt::join(job_names_, ", "));
  }
  return s;
}

Status SourceStage::ProcessBatch(const SourceBatch& source_batch, int64_t processing_time_ms) {
  const Batch& read = *source_batch.batch;
  records_in_ += static_cast<int64_t>(read.num_rows);
  for (auto& scan : scans_) {
    RETURN_IF_ERROR(scan->ProcessBatch(read, *reader_, source_batch.split, processing_time_ms));
  }
  return Status::Ok();
}

Status SourceStage::MarkIdle(size_t split) {
  for (auto& scan : scans_) RETURN_IF_ERROR(scan->MarkIdle(split));
  return Status::Ok();
}

Status SourceStage::Finish() {
  for (auto& scan : scans_) RETURN_IF_ERROR(scan->Finish());
  return Status::Ok();
}

void SourceStage::SaveState(StateEncoder* out) const {
  for (const auto& scan : scans_) scan->SaveState(out);
  out->PutI64(records_in_);
}

Status SourceStage::RestoreState(StateDecoder* in) {
  for (auto& scan : scans_) RETURN_IF_ERROR(scan->RestoreState(in));
  return in->GetI64(&records_in_);
}

}  // namespace sluice::runtime
