#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::connectors {

/// Where a mysql-cdc reader stands, as the text recorded in the epoch log and checkpoints:
/// - snapshot: "snapshot:<binlog file>:<binlog pos>:<table>:<key>" — the binlog position the
///   snapshot is tied to, the index of the table being read and the primary key of the last row
///   delivered (hex-encoded values joined by ','; empty before the table's first row);
/// - binlog: "binlog:<file>:<pos>:<rows>" — the start of the transaction being read and how many
///   changelog rows of it were delivered (0 between transactions).
/// A value type.
struct MySqlCdcPosition {
  bool snapshot = false;
  std::string file;
  uint64_t pos = 0;
  size_t table = 0;
  std::vector<std::string> key;
  uint64_t rows = 0;

  std::string ToString() const;
  /// Parses the text of ToString; kDataError for anything else.
  static Result<MySqlCdcPosition> Parse(const std::string& text);
  bool operator==(const MySqlCdcPosition& other) const = default;
};

}  // namespace sluice::connectors
