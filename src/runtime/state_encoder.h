#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "types/column.h"

namespace sluice::runtime {

/// Appends operator state to a checkpoint in the compact binary layout StateDecoder reads:
/// fixed-width little-endian integers and doubles, length-prefixed strings, and typed columns
/// (row count, then per row a null flag and the value). Used by one thread, between epochs.
class StateEncoder {
 public:
  void PutU8(uint8_t v);
  void PutI64(int64_t v);
  void PutDouble(double v);
  void PutString(std::string_view v);
  /// Appends every row of `column` (values by its physical type, nulls kept; a ROW value as its
  /// fields, an ARRAY or MAP value as its element count and elements).
  void PutColumn(const Column& column);

  /// Returns the bytes written so far.
  const std::string& data() const { return data_; }
  std::string& data() { return data_; }

 private:
  /// Appends row `row` of `column`: a null flag, then the value.
  void PutCell(const Column& column, size_t row);

  std::string data_;
};

}  // namespace sluice::runtime
