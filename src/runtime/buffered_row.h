#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "types/batch.h"
#include "types/value.h"

namespace sluice::runtime {

/// A row an EventTimeRowBuffer holds: row `row` of a batch the buffer keeps alive while the row
/// is handed out. Reading a value copies it; nothing is allocated until then.
struct BufferedRow {
  const Batch* batch = nullptr;
  size_t row = 0;

  const Column& column(size_t c) const { return batch->column(c); }
  /// Returns the value of column `c`.
  Value value(size_t c) const { return Value::FromColumn(column(c), row); }
  /// Returns the values of the first `columns` columns.
  std::vector<Value> ToValues(size_t columns) const;
  /// Overwrites `values` (of the same columns) with this row's, reusing the string buffers
  /// they hold.
  void CopyTo(std::vector<Value>* values) const;
  /// Appends the key of this row at `keys` to `key`, byte for byte as
  /// EventTimeRowBuffer::AppendKeyOf does for the same values.
  void AppendKey(const std::vector<size_t>& keys, std::string* key) const;
};

}  // namespace sluice::runtime
