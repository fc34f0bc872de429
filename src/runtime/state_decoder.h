#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "types/column.h"

namespace sluice::runtime {

/// Reads what a StateEncoder wrote, front to back. Every Get fails with kDataError naming the
/// checkpoint when the data is short or malformed. Used by one thread, at start-up.
class StateDecoder {
 public:
  /// `data` must outlive the decoder; `what` names it in errors (e.g. the checkpoint file).
  StateDecoder(std::string_view data, std::string what);

  Status GetU8(uint8_t* v);
  Status GetI64(int64_t* v);
  Status GetDouble(double* v);
  Status GetString(std::string* v);
  /// Appends the rows of an encoded column to `out` (of the physical type it was written with).
  Status GetColumn(Column* out);
  /// Returns the unread bytes, for decoders that advance it themselves
  /// (expr::AggregateFunction::Deserialize).
  std::string_view* rest() { return &data_; }
  bool done() const { return data_.empty(); }
  /// Returns a kDataError about this checkpoint: "<what>: <message>".
  Status Corrupt(const std::string& message) const;

 private:
  /// Appends one cell written by StateEncoder::PutCell to `out`.
  Status GetCell(Column* out);
  Status GetNestedValue(Column* out);

  std::string_view data_;
  std::string what_;
};

}  // namespace sluice::runtime
