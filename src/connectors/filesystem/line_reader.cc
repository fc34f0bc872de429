#include "connectors/filesystem/line_reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice::connectors {

LineReader::LineReader(std::string path, size_t chunk_bytes)
    : path_(std::move(path)), buffer_(std::max<size_t>(chunk_bytes, 16)) {}

LineReader::~LineReader() {
  if (fd_ >= 0) ::close(fd_);
}

Status LineReader::Open() {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    int e = errno;
    std::string m = fmt::format("cannot open '{}': {}", path_, std::strerror(e));
    return e == ENOENT ? Status::NotFound(m) : Status::IoError(m);
  }
  return Status::Ok();
}

Status LineReader::Fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  while (true) {
    ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Status::IoError(fmt::format("cannot read '{}': {}", path_, std::strerror(errno)));
    }
    if (n == 0) eof_ = true;
    end_ += static_cast<size_t>(n);
    return Status::Ok();
  }
}

Result<std::optional<std::string_view>> LineReader::Next() {
  size_t scanned = begin_;  // no newline in [begin_, scanned)
  while (true) {
    const char* base = buffer_.data();
    const void* nl = scanned < end_ ? std::memchr(base + scanned, '\n', end_ - scanned) : nullptr;
    size_t line_end = 0;
    size_t consumed = 0;
    if (nl != nullptr) {
      line_end = static_cast<const char*>(nl) - base;
      consumed = line_end + 1 - begin_;
    } else if (eof_) {
      if (begin_ == end_) return std::optional<std::string_view>();
      line_end = end_;
      consumed = end_ - begin_;
    } else {
      size_t pending = end_ - begin_;
      RETURN_IF_ERROR(Fill());
      scanned = begin_ + pending;
      continue;
    }
    std::string_view line(base + begin_, line_end - begin_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    begin_ += consumed;
    offset_ += consumed;
    ++line_number_;
    return std::optional<std::string_view>(line);
  }
}

Result<bool> LineReader::AtEnd() {
  if (begin_ == end_ && !eof_) RETURN_IF_ERROR(Fill());
  return begin_ == end_ && eof_;
}

}  // namespace sluice::connectors
