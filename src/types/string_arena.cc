#include "types/string_arena.h"

#include <algorithm>
#include <cstring>

namespace sluice {

char* StringArena::Allocate(size_t n) {
  if (n > remaining_) {
    size_t chunk = std::max<size_t>(n, 64 * 1024);
    // Not zeroed: every byte handed out is written by the caller before it is read.
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(chunk));
    cursor_ = chunks_.back().get();
    remaining_ = chunk;
  }
  char* p = cursor_;
  cursor_ += n;
  remaining_ -= n;
  used_ += n;
  return p;
}

std::string_view StringArena::Add(std::string_view s) {
  if (s.empty()) return {};
  char* p = Allocate(s.size());
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

}  // namespace sluice
