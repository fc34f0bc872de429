#pragma once

#include "common/status.h"

namespace sluice::testing {

/// Returns a TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick for port 0), for
/// servers that tests start. Thread-safe.
Result<int> PickFreePort();

}  // namespace sluice::testing
