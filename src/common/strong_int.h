#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace sluice {

/// Wraps an int64 so that values of different meaning (event time, watermark, offset, split)
/// cannot be mixed up. `Tag` is an empty struct naming the meaning.
template <typename Tag>
class StrongInt {
 public:
  constexpr StrongInt() = default;
  constexpr explicit StrongInt(int64_t value) : value_(value) {}
  constexpr int64_t value() const { return value_; }
  constexpr auto operator<=>(const StrongInt&) const = default;

 private:
  int64_t value_ = 0;
};

}  // namespace sluice

template <typename Tag>
struct std::hash<sluice::StrongInt<Tag>> {
  size_t operator()(const sluice::StrongInt<Tag>& v) const noexcept {
    return std::hash<int64_t>()(v.value());
  }
};
