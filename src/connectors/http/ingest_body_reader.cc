#include "connectors/http/ingest_body_reader.h"

#include <fmt/format.h>

namespace sluice::connectors {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

IngestBodyReader::IngestBodyReader(std::string_view body) : body_(body) {
  size_t first = 0;
  while (first < body_.size() && IsBlank(body_[first])) ++first;
  if (first < body_.size() && body_[first] == '[') {
    array_ = true;
    pos_ = first + 1;
  }
}

bool IngestBodyReader::Next(std::string_view* record, int64_t* number) {
  if (done_) return false;
  return array_ ? NextElement(record, number) : NextLine(record, number);
}

bool IngestBodyReader::NextLine(std::string_view* record, int64_t* number) {
  while (pos_ < body_.size()) {
    size_t end = body_.find('\n', pos_);
    if (end == std::string_view::npos) end = body_.size();
    std::string_view line = Trim(body_.substr(pos_, end - pos_));
    pos_ = end + 1;
    ++number_;
    if (line.empty()) continue;
    *record = line;
    *number = number_;
    return true;
  }
  done_ = true;
  return false;
}

size_t IngestBodyReader::ElementEnd() const {
  int depth = 0;
  bool in_string = false;
  for (size_t i = pos_; i < body_.size(); ++i) {
    char c = body_[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return c == ']' ? i : std::string_view::npos;
      --depth;
    } else if (c == ',' && depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

bool IngestBodyReader::NextElement(std::string_view* record, int64_t* number) {
  size_t end = ElementEnd();
  if (end == std::string_view::npos) return Fail("the JSON array is not terminated by ']'");
  std::string_view element = Trim(body_.substr(pos_, end - pos_));
  const bool last = body_[end] == ']';
  pos_ = end + 1;
  if (last) {
    done_ = true;
    if (!Trim(body_.substr(pos_)).empty()) return Fail("text after the JSON array");
    // "[]" holds no element; "[1,]" ends with an empty one, which is malformed.
    if (element.empty() && number_ == 0) return false;
  }
  ++number_;
  if (element.empty()) return Fail(fmt::format("element {} of the JSON array is empty", number_));
  *record = element;
  *number = number_;
  return true;
}

bool IngestBodyReader::Fail(std::string message) {
  done_ = true;
  status_ = Status::DataError(std::move(message));
  return false;
}

}  // namespace sluice::connectors
