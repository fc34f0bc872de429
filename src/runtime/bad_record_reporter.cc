#include "runtime/bad_record_reporter.h"

#include <fmt/format.h>

#include "common/json_string.h"
#include "runtime/dead_letter_sink.h"
#include "types/cell_text.h"

namespace sluice::runtime {
namespace {

/// Where Report puts the bad records of the calling thread (CaptureOnThisThread), or null.
thread_local std::vector<BadRecordReporter::Captured>* captured_bad_records = nullptr;

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

/// Returns row `row` of `rows` as a JSON object: numbers and booleans bare, other values as
/// strings in Flink's text form, NULL as null.
std::string RowJson(const Batch& rows, size_t row) {
  std::string json = "{";
  for (size_t c = 0; c < rows.columns.size(); ++c) {
    const Column& column = rows.column(c);
    std::string cell;
    AppendCellText(column, row, &cell);
    const TypeId id = column.type().id;
    const bool bare = column.IsNull(row) || id == TypeId::kBoolean || id == TypeId::kInt ||
                      id == TypeId::kBigInt || id == TypeId::kDecimal ||
                      ((id == TypeId::kDouble || id == TypeId::kFloat) &&
                       cell.find_first_not_of("0123456789.-eE") == std::string::npos);
    if (c) json += ",";
    AppendJsonString(rows.schema->field(c).name, &json);
    json += ":";
    if (bare) {
      json += cell;
    } else {
      AppendJsonString(cell, &json);
    }
  }
  return json + "}";
}

}  // namespace

BadRecordReporter::BadRecordReporter(std::string dead_letter_path)
    : dead_letter_path_(std::move(dead_letter_path)) {}

std::string BadRecordReporter::ErrorClass(std::string_view raw, std::string_view reason) {
  if (reason.starts_with("record-too-large")) return "record-too-large";
  if (raw.empty() || Contains(reason, "empty value")) return "empty";
  if (Contains(reason, "rowtime column")) return "rowtime";
  if (Contains(reason, "is missing") || Contains(reason, "is null")) return "missing-field";
  if (Contains(reason, "': expected ")) return "convert";
  return "decode";
}

void BadRecordReporter::Report(std::string_view table, std::string_view location,
                               std::string_view raw, std::string_view reason) {
  if (captured_bad_records != nullptr) {
    captured_bad_records->push_back(
        {this, std::string(table), std::string(location), std::string(raw), std::string(reason)});
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ++count_;
  std::string excerpt(raw.substr(0, 200));
  log_.Warn(fmt::format("bad record in {} at {}: {} (record: {}{})", table, location, reason,
                        excerpt, raw.size() > 200 ? "..." : ""));
  if (dead_letters_ != nullptr) {
    dead_letters_->Add(NewDeadLetter(table, std::string(location), ErrorClass(raw, reason), reason,
                                     std::string(raw)));
  }
  if (dead_letter_path_.empty()) return;
  if (!dead_letter_) {
    dead_letter_ = std::make_unique<std::ofstream>(dead_letter_path_, std::ios::app);
  }
  *dead_letter_ << fmt::format("{{\"table\":{},\"location\":{},\"reason\":{},\"raw\":{}}}\n",
                               JsonString(table), JsonString(location), JsonString(reason),
                               JsonString(raw));
  dead_letter_->flush();
}

void BadRecordReporter::ReportRejectedRows(std::string_view sink, std::string_view location,
                                           const Batch& rows, std::string_view message) {
  std::lock_guard<std::mutex> lock(mutex_);
  count_ += static_cast<int64_t>(rows.num_rows);
  log_.Warn(fmt::format("sink {} refused {} row(s) at {}: {} (sent to the dead-letter table)", sink,
                        rows.num_rows, location, message));
  if (dead_letters_ == nullptr) return;
  for (size_t r = 0; r < rows.num_rows; ++r) {
    dead_letters_->AddRejected(NewDeadLetter(sink, fmt::format("{} row {}", location, r),
                                             "sink-rejected", message, RowJson(rows, r)));
  }
}

DeadLetter BadRecordReporter::NewDeadLetter(std::string_view source, std::string location,
                                            std::string error_class, std::string_view message,
                                            std::string raw) const {
  DeadLetter letter;
  letter.source = std::string(source);
  letter.location = std::move(location);
  letter.error_class = std::move(error_class);
  letter.message = std::string(message);
  letter.raw = std::move(raw);
  letter.time_ms = processing_time_ms_.load();
  return letter;
}

void BadRecordReporter::CaptureOnThisThread(std::vector<Captured>* into) {
  captured_bad_records = into;
}

void BadRecordReporter::ReportCaptured(const std::vector<Captured>& records) {
  for (const Captured& record : records) {
    record.reporter->Report(record.table, record.location, record.raw, record.reason);
  }
}

int64_t BadRecordReporter::count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return count_;
}

}  // namespace sluice::runtime
