#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

/// Replaces every `${VAR}` and `${VAR:-default}` in `text` with the value of the environment
/// variable VAR. As in the shell, `:-` uses the default when VAR is unset or empty; `${VAR}` with
/// VAR set to "" becomes "". A `$` not followed by `{` is copied as it is (`$$` is not special).
/// Returns kInvalidArgument naming VAR when VAR is unset and has no default, when VAR is not a
/// valid name ([A-Za-z_][A-Za-z0-9_]*), or when a `${` is not closed by `}`.
/// Thread-safe as long as no other thread changes the environment.
Result<std::string> SubstituteEnv(std::string_view text);

}  // namespace sluice
