#pragma once

#include <string_view>

namespace sluice::server {

/// One file of src/server/assets/, compiled into the binary (see CMakeLists.txt).
struct DashboardAsset {
  std::string_view name;  // file name, e.g. "dashboard.js"
  std::string_view body;
};

/// Returns the asset named `name`, or nullptr. The assets are immutable; thread-safe.
const DashboardAsset* FindDashboardAsset(std::string_view name);

}  // namespace sluice::server
