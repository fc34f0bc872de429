#pragma once

#include <cstdint>
#include <string_view>

namespace sluice {

/// The kind of change a row of a changelog stream carries, as Flink's RowKind.
enum class RowKind : uint8_t { kInsert = 0, kUpdateBefore = 1, kUpdateAfter = 2, kDelete = 3 };

/// Returns "+I", "-U", "+U" or "-D".
std::string_view RowKindShortString(RowKind kind);

}  // namespace sluice
