#include "common/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace sluice {
namespace {

struct CrashSpec {
  std::string name;      // empty: no crash point armed
  long long target = 0;  // the call that kills (1-based)
};

CrashSpec ReadSpec() {
  CrashSpec spec;
  const char* value = std::getenv("SLUICE_CRASH_AT");
  if (value == nullptr) return spec;
  const std::string text(value);
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return spec;
  spec.target = std::atoll(text.c_str() + colon + 1);
  if (spec.target > 0) spec.name = text.substr(0, colon);
  return spec;
}

}  // namespace

void CrashPoint(std::string_view name) {
  static const CrashSpec spec = ReadSpec();
  static std::atomic<long long> calls{0};
  if (spec.name.empty() || name != spec.name) return;
  if (calls.fetch_add(1) + 1 == spec.target) ::kill(::getpid(), SIGKILL);
}

}  // namespace sluice
