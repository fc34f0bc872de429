#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::connectors {

/// Reads a file line by line through a buffer of `chunk_bytes` (grown only for a longer line),
/// so files of any size stream in bounded memory. Lines end with "\n" or "\r\n"; the last line
/// may lack one. Tracks the byte offset after the last line returned and its line number.
/// Lifecycle: Open, then Next until it returns nullopt. Not thread-safe.
class LineReader {
 public:
  LineReader(std::string path, size_t chunk_bytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  Status Open();
  /// Returns the next line without its terminator, or nullopt at the end of the file. The view
  /// stays valid until the next call.
  Result<std::optional<std::string_view>> Next();
  /// Returns true when no line is left (reads ahead once to find out).
  Result<bool> AtEnd();

  const std::string& path() const { return path_; }
  /// Returns the byte offset just after the last line returned.
  uint64_t offset() const { return offset_; }
  /// Returns the 1-based number of the last line returned (0 before the first).
  int64_t line_number() const { return line_number_; }

 private:
  // Reads more bytes after the buffered ones; sets eof_ when there are none.
  Status Fill();

  std::string path_;
  int fd_ = -1;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // first unread byte in buffer_
  size_t end_ = 0;    // end of the valid bytes in buffer_
  bool eof_ = false;
  uint64_t offset_ = 0;
  int64_t line_number_ = 0;
};

}  // namespace sluice::connectors
