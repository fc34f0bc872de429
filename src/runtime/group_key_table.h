#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "types/column.h"
#include "types/string_arena.h"

namespace sluice::runtime {

/// Interns grouping keys: maps the values of the key columns at a row to a dense group id
/// (0, 1, 2, ... in first-seen order). Keys are hashed and compared in place from the columns:
/// no per-row allocation; the table copies a key's string bytes once, when the group is created.
/// GROUP BY equality: NULLs are equal to each other, -0.0 equals 0.0, all NaNs are equal; ROW,
/// ARRAY and MAP keys compare as CellEquality does (a copy of each such key is kept in a column
/// of the table). Used by one thread at a time.
class GroupKeyTable {
 public:
  /// Creates a table for keys of these types (an empty list: one global group).
  explicit GroupKeyTable(std::vector<LogicalType> key_types);

  /// Writes the hash of the key at each row [0, num_rows) of `keys` to `hashes`.
  static void HashRows(const std::vector<const Column*>& keys, size_t num_rows,
                       std::vector<uint64_t>* hashes);

  /// Returns the group of the key at row `row` of `keys` (whose hash is `hash`), creating it
  /// (id = size() before the call) and setting `*inserted` when the key is new.
  uint32_t FindOrInsert(const std::vector<const Column*>& keys, size_t row, uint64_t hash,
                        bool* inserted);

  /// Returns the number of groups.
  size_t size() const { return group_hashes_.size(); }
  /// Returns the bytes the table holds: its cells, hashes, slots and copied key strings.
  size_t memory_bytes() const {
    return cells_.capacity() * sizeof(Cell) + group_hashes_.capacity() * sizeof(uint64_t) +
           slots_.capacity() * sizeof(uint32_t) + arena_.bytes_used();
  }

  /// Appends the key of group `group` to `out` (one column per key, of the key types).
  void AppendKey(uint32_t group, const std::vector<Column*>& out) const;

  /// Appends every group's key, in group order, for a checkpoint.
  void SaveState(StateEncoder* out) const;
  /// Re-creates the groups SaveState wrote, with the same ids. The table must be empty.
  Status RestoreState(StateDecoder* in);

 private:
  struct Cell {
    int64_t bits = 0;  // int64 value, bool, double bit pattern (normalised), nested key's row
    std::string_view str;
    bool null = false;
  };

  bool Equals(uint32_t group, const std::vector<const Column*>& keys, size_t row) const;
  void Grow();

  std::vector<LogicalType> key_types_;
  std::vector<std::unique_ptr<Column>> nested_keys_;  // by key: the copies of nested keys
  std::vector<Cell> cells_;                           // group-major: cells_[group * num_keys + k]
  std::vector<uint64_t> group_hashes_;                // by group
  std::vector<uint32_t> slots_;                       // open addressing: group + 1, 0 = empty
  uint64_t mask_ = 0;
  StringArena arena_;
};

}  // namespace sluice::runtime
