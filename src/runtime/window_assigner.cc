#include "runtime/window_assigner.h"

#include <fmt/format.h>

#include <algorithm>

namespace sluice::runtime {

Result<WindowAssigner> WindowAssigner::Create(const sql::WindowSpec& spec) {
  if (spec.size_ms <= 0) {
    return Status::InvalidArgument(
        fmt::format("window size must be positive, got {} ms", spec.size_ms));
  }
  sql::WindowSpec s = spec;
  if (s.kind == sql::WindowKind::kTumble) {
    s.step_ms = s.size_ms;
  } else {
    const char* name = s.kind == sql::WindowKind::kHop ? "HOP slide" : "CUMULATE step";
    if (s.step_ms <= 0) {
      return Status::InvalidArgument(
          fmt::format("{} must be positive, got {} ms", name, s.step_ms));
    }
    if (s.size_ms % s.step_ms != 0) {
      return Status::InvalidArgument(
          fmt::format("window size ({} ms) must be an integral multiple of the {} ({} ms)",
                      s.size_ms, name, s.step_ms));
    }
  }
  return WindowAssigner(s);
}

int64_t WindowAssigner::WindowStart(int64_t t, int64_t offset, int64_t size) {
  const int64_t remainder = (t - offset) % size;
  return remainder < 0 ? t - (remainder + size) : t - remainder;
}

void WindowAssigner::Assign(int64_t t, std::vector<TimeWindow>* out) const {
  switch (spec_.kind) {
    case sql::WindowKind::kTumble: {
      const int64_t start = WindowStart(t, spec_.offset_ms, spec_.size_ms);
      out->push_back({start, start + spec_.size_ms});
      return;
    }
    case sql::WindowKind::kHop: {
      // Starts every slide; the latest start is the slide-aligned one at or before t.
      const int64_t last_start = WindowStart(t, spec_.offset_ms, spec_.step_ms);
      const size_t first = out->size();
      for (int64_t start = last_start; start > t - spec_.size_ms; start -= spec_.step_ms) {
        out->push_back({start, start + spec_.size_ms});
      }
      std::reverse(out->begin() + static_cast<std::ptrdiff_t>(first), out->end());
      return;
    }
    case sql::WindowKind::kCumulate: {
      const int64_t start = WindowStart(t, spec_.offset_ms, spec_.size_ms);
      const int64_t last_end = start + spec_.size_ms;
      const int64_t first_end = WindowStart(t, spec_.offset_ms, spec_.step_ms) + spec_.step_ms;
      for (int64_t end = first_end; end <= last_end; end += spec_.step_ms) {
        out->push_back({start, end});
      }
      return;
    }
  }
}

}  // namespace sluice::runtime
