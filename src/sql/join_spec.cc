#include "sql/join_spec.h"

#include <fmt/format.h>

#include "common/duration.h"

namespace sluice::sql {

const char* JoinTypeName(JoinType type) {
  switch (type) {
    case JoinType::kInner:
      return "INNER";
    case JoinType::kLeft:
      return "LEFT";
    case JoinType::kRight:
      return "RIGHT";
    case JoinType::kFull:
      return "FULL";
  }
  return "?";
}

std::string JoinSpec::Describe(const std::vector<std::string>& left_names,
                               const std::vector<std::string>& right_names, bool window) const {
  auto name = [](const std::vector<std::string>& names, size_t i) {
    return i < names.size() ? names[i] : fmt::format("${}", i);
  };
  std::string keys;
  for (size_t i = 0; i < left_keys.size(); ++i) {
    if (i) keys += ", ";
    keys += fmt::format("left.{} = right.{}", name(left_names, left_keys[i]),
                        name(right_names, right_keys[i]));
  }
  std::string s = fmt::format("{}, keys=[{}]", JoinTypeName(type), keys);
  if (window) {
    return s + fmt::format(", window=left[{}, {}) = right[{}, {})",
                           name(left_names, left_window_start), name(left_names, left_window_end),
                           name(right_names, right_window_start),
                           name(right_names, right_window_end));
  }
  auto signed_duration = [](int64_t ms) {
    return ms < 0 ? "-" + FormatDurationMillis(-ms) : FormatDurationMillis(ms);
  };
  return s + fmt::format(", right.{} - left.{} in [{}, {}]", name(right_names, right_time),
                         name(left_names, left_time), signed_duration(lower_ms),
                         signed_duration(upper_ms));
}

}  // namespace sluice::sql
