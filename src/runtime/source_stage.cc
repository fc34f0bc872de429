#include "runtime/source_stage.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace sluice::runtime {

SourceStage::Read SourceStage::UnionOfReads(const std::vector<const sql::ScanSpec*>& scans) {
  Read read;
  if (scans.size() == 1) {  // the common case reads exactly what its scan decodes
    read.columns = scans[0]->decoded_columns;
    read.schema = scans[0]->decoded_schema;
    return read;
  }
  std::set<size_t> columns;
  for (const auto* scan : scans) {
    columns.insert(scan->decoded_columns.begin(), scan->decoded_columns.end());
  }
  const Schema stored = scans.empty() ? Schema() : scans[0]->table->stored_schema();
  auto schema = std::make_shared<Schema>();
  for (size_t c : columns) {
    read.columns.push_back(c);
    schema->Add(stored.field(c));
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
