#include "runtime/bad_record_reporter.h"

#include <fmt/format.h>

namespace sluice::runtime {
namespace {

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

BadRecordReporter::BadRecordReporter(std::string dead_letter_path)
    : dead_letter_path_(std::move(dead_letter_path)) {}

void BadRecordReporter::Report(std::string_view table, std::string_view location,
                               std::string_view raw, std::string_view reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++count_;
  std::string excerpt(raw.substr(0, 200));
  log_.Warn(fmt::format("bad record in {} at {}: {} (record: {}{})", table, location, reason,
                        excerpt, raw.size() > 200 ? "..." : ""));
  if (dead_letter_path_.empty()) return;
  if (!dead_letter_) {
    dead_letter_ = std::make_unique<std::ofstream>(dead_letter_path_, std::ios::app);
  }
  *dead_letter_ << fmt::format("{{\"table\":\"{}\",\"location\":\"{}\",\"reason\":\"{}\",\"raw\":\"{}\"}}\n",
                               JsonEscape(table), JsonEscape(location), JsonEscape(reason),
                               JsonEscape(raw));
  dead_letter_->flush();
}

int64_t BadRecordReporter::count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return count_;
}

}  // namespace sluice::runtime
