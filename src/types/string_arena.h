#pragma once

#include <memory>
#include <string_view>
#include <vector>

namespace sluice {

/// Owns the bytes of strings that columns refer to by std::string_view. Grows in chunks; never
/// moves what it already holds, so views stay valid for the arena's lifetime. Not thread-safe.
class StringArena {
 public:
  StringArena() = default;
  StringArena(const StringArena&) = delete;
  StringArena& operator=(const StringArena&) = delete;

  /// Copies `s` into the arena and returns a view of the copy.
  std::string_view Add(std::string_view s);
  /// Returns `n` writable bytes that stay valid for the arena's lifetime.
  char* Allocate(size_t n);
  size_t bytes_used() const { return used_; }

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* cursor_ = nullptr;
  size_t remaining_ = 0;
  size_t used_ = 0;
};

}  // namespace sluice
