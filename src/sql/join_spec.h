#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::sql {

/// The type of a join: which sides keep their unmatched rows (padded with NULLs).
enum class JoinType { kInner, kLeft, kRight, kFull };

/// An event-time join of two append-only inputs, as Flink runs them. Key columns index the
/// left and the right input's schema; rows match when every key is equal and not NULL. The output
/// is the left row's columns followed by the right row's.
/// - Interval join (kIntervalJoin): right.time - left.time must lie in [lower_ms, upper_ms]
///   (bounds inclusive; `<` and `>` are turned into inclusive bounds one millisecond inside).
///   Both time columns are the inputs' rowtime attributes.
/// - Window join (kWindowJoin): both inputs are window TVFs of the same window; rows match when
///   they are in the same window (window_start and window_end equal) and keys are equal.
struct JoinSpec {
  JoinType type = JoinType::kInner;
  std::vector<size_t> left_keys;
  std::vector<size_t> right_keys;
  // Interval join.
  size_t left_time = 0;
  size_t right_time = 0;
  int64_t lower_ms = 0;
  int64_t upper_ms = 0;
  // Window join: the window_start and window_end columns of each input.
  size_t left_window_start = 0;
  size_t left_window_end = 0;
  size_t right_window_start = 0;
  size_t right_window_end = 0;

  /// Returns true when unmatched left rows are emitted (LEFT and FULL joins).
  bool left_outer() const { return type == JoinType::kLeft || type == JoinType::kFull; }
  /// Returns true when unmatched right rows are emitted (RIGHT and FULL joins).
  bool right_outer() const { return type == JoinType::kRight || type == JoinType::kFull; }

  /// Returns e.g. "LEFT, keys=[a.k = b.k], b.ts - a.ts in [-5 s, 10 s]" naming columns by the
  /// inputs' names, for EXPLAIN. `window` selects the window join's form.
  std::string Describe(const std::vector<std::string>& left_names,
                       const std::vector<std::string>& right_names, bool window) const;
};

/// Returns "INNER", "LEFT", "RIGHT" or "FULL".
const char* JoinTypeName(JoinType type);

}  // namespace sluice::sql
