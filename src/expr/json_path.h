#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice::expr {

/// Turns a JSON path of the JSON functions ('$', '$.a.b', '$.arr[0]', "$['k']") into the JSON
/// pointer simdjson resolves ('', '/a/b', '/arr/0', '/k'); nullopt when the path is not of
/// that form. Thread-safe.
std::optional<std::string> JsonPointer(std::string_view path);

}  // namespace sluice::expr
