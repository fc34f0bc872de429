#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "types/logical_type.h"

namespace sluice::sql {

/// One function of an OVER aggregation. Arguments are column indexes of the node's input (the
/// binder projects computed arguments, FILTER conditions and LAG defaults into columns first).
/// - COUNT (`count_star` for COUNT(*)), SUM, AVG, MIN, MAX: over the rows of the frame;
/// - LAG: the value of `arg` `offset` rows before the current row in its partition (the frame
///   does not apply), else the value of `default_column` (NULL when absent);
/// - ROW_NUMBER: only below a rank filter (see RankSpec), never executed by itself.
struct OverCall {
  std::string function;  // upper-case
  bool count_star = false;
  std::optional<size_t> arg;
  std::optional<size_t> filter;          // BOOLEAN column: the row counts only when TRUE
  int64_t offset = 1;                    // LAG
  std::optional<size_t> default_column;  // LAG
  LogicalType type;                      // result type
};

/// `agg(..) OVER (PARTITION BY keys ORDER BY rowtime frame)`. The output is the input's columns
/// followed by one column per call. `preceding` is a row count for ROWS frames and milliseconds
/// for RANGE frames; the frame always ends at the current row. Flink's default frame (ORDER BY
/// without a frame) is RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
struct OverSpec {
  enum class Frame { kRows, kRange };
  std::vector<size_t> partition_keys;
  size_t order_column = 0;  // the input's rowtime attribute
  bool descending = false;  // ROW_NUMBER only
  // ROW_NUMBER over a window aggregate's output (PARTITION BY includes window_end): the
  // window_end column; order_column may then be any column.
  std::optional<size_t> window_end_column;
  Frame frame = Frame::kRange;
  bool unbounded = true;
  int64_t preceding = 0;
  std::vector<OverCall> calls;

  /// Returns e.g. "PARTITION BY user_id ORDER BY ts RANGE 1 min PRECEDING, calls=[COUNT(*)]",
  /// naming columns by `names` (the input's), for EXPLAIN.
  std::string Describe(const std::vector<std::string>& names) const;
};

/// Deduplication and Top-N: ROW_NUMBER() OVER (PARTITION BY keys ORDER BY rowtime [DESC])
/// filtered by `rn <= limit`. The output is the input's columns followed by the row number
/// (BIGINT) when `with_row_number`.
/// - limit 1 over rowtime ASC (keep first): append-only; a key's first row by event time is
///   emitted when the watermark passes it.
/// - limit 1 over rowtime DESC (keep last): a changelog (+I, then -U/+U as later rows arrive).
/// - limit > 1: a changelog of the key's top `limit` rows.
struct RankSpec {
  std::vector<size_t> partition_keys;
  size_t order_column = 0;
  bool descending = false;
  int64_t limit = 1;
  bool with_row_number = false;
  // Window Top-N: rows are ranked per window (this column: window_end) by `order_column` once
  // the watermark reaches the window end; the output is append-only (+I of each window's top N).
  std::optional<size_t> window_end_column;

  /// Returns e.g. "Deduplicate[keep first, PARTITION BY k ORDER BY ts]" or "TopN[3, ...]".
  std::string Describe(const std::vector<std::string>& names) const;
};

}  // namespace sluice::sql
