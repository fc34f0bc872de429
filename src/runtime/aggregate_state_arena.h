#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "expr/aggregate_function.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"

namespace sluice::runtime {

/// Holds the aggregate states of many groups: per group one region with every aggregate's
/// state side by side (8-byte aligned), in chunks that never move, so a group's pointer stays
/// valid for the arena's lifetime. Destroys every state on destruction. Used by one thread.
class AggregateStateArena {
 public:
  /// Lays out states for `functions` (not owned; they must outlive the arena).
  explicit AggregateStateArena(std::vector<const expr::AggregateFunction*> functions);
  ~AggregateStateArena();

  /// Returns the offset of each aggregate's state within a group's region (the layout every
  /// arena for `functions` uses).
  static std::vector<size_t> StateOffsets(
      const std::vector<const expr::AggregateFunction*>& functions);
  AggregateStateArena(const AggregateStateArena&) = delete;
  AggregateStateArena& operator=(const AggregateStateArena&) = delete;

  /// Adds a group with freshly initialised states and returns its index (= size() before).
  uint32_t Add();
  /// Destroys and re-initialises the states of `group` (the aggregates over no rows).
  void Reset(uint32_t group);

  /// Returns the region of `group`; aggregate `a`'s state is at `group(g) + offset(a)`.
  uint8_t* group(uint32_t g) const { return groups_[g]; }
  size_t offset(size_t aggregate) const { return offsets_[aggregate]; }
  size_t size() const { return groups_.size(); }

  /// Returns the bytes of the chunks and the group table (not memory the states themselves
  /// allocate, such as COUNT(DISTINCT)'s sets).
  size_t memory_bytes() const { return chunk_bytes_ + groups_.capacity() * sizeof(uint8_t*); }
  /// Appends every group's states (each aggregate's Serialize), in group order.
  void SaveState(StateEncoder* out) const;
  /// Adds the groups SaveState wrote, after the ones held.
  Status RestoreState(StateDecoder* in);

 private:
  void InitRegion(uint8_t* region) const;
  void DestroyRegion(uint8_t* region) const;

  std::vector<const expr::AggregateFunction*> functions_;
  std::vector<size_t> offsets_;
  size_t region_size_ = 0;
  std::vector<std::unique_ptr<uint64_t[]>> chunks_;
  size_t chunk_bytes_ = 0;     // bytes of every chunk
  size_t chunk_used_ = 0;      // regions used in the last chunk
  size_t chunk_capacity_ = 0;  // regions the last chunk holds
  std::vector<uint8_t*> groups_;
};

}  // namespace sluice::runtime
