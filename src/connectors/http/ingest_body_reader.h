#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace sluice::connectors {

/// Iterates the records of an ingest request body: NDJSON (one JSON value per line, blank lines
/// skipped) or one JSON array of values (its first non-blank character is '['). Each record is a
/// view into the body, with its number: the 1-based line for NDJSON, the 1-based element for an
/// array. Does not parse the records themselves (the decoder does); for an array it finds the
/// element boundaries by tracking strings and nesting. Views the body, which must outlive it.
/// Not thread-safe.
class IngestBodyReader {
 public:
  explicit IngestBodyReader(std::string_view body);

  /// Returns true and sets `record` and `number` to the next record, or returns false at the end
  /// of the body. For a malformed array (unbalanced, unterminated, text after it) sets
  /// `status()` to kDataError and returns false.
  bool Next(std::string_view* record, int64_t* number);
  /// Returns Ok, or what made the body unreadable as a whole.
  const Status& status() const { return status_; }
  bool is_array() const { return array_; }

 private:
  bool NextLine(std::string_view* record, int64_t* number);
  bool NextElement(std::string_view* record, int64_t* number);
  // Returns the end of the value starting at pos_ (a ',' or ']' at depth 0), or npos.
  size_t ElementEnd() const;
  bool Fail(std::string message);

  std::string_view body_;
  size_t pos_ = 0;
  int64_t number_ = 0;
  bool array_ = false;
  bool done_ = false;
  Status status_;
};

}  // namespace sluice::connectors
