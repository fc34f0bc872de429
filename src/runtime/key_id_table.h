#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace sluice::runtime {

/// Maps keys to dense ids without holding the keys: an open-addressing table of 8-byte slots
/// (a 32-bit tag of the key's hash and the id), probed linearly, so a lookup reads one run of
/// slots (usually one cache line) and compares a key's bytes only on a tag match, through the
/// caller's `equals(id)` (the caller keeps each id's key, e.g. in the state the id names).
/// Erasing shifts the following slots back (no tombstones); the table doubles when it is 3/4
/// full. Tags come from Tag(hash) of any 64-bit hash of the key. Single-threaded.
class KeyIdTable {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  /// Returns the tag the table keeps for a key with `hash` (the caller keeps it to Erase).
  static uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash ^ (hash >> 32)); }

  /// Returns the id of the key with tag `tag` for which `equals(id)` holds, or kNone.
  template <typename Equals>
  uint32_t Find(uint32_t tag, Equals&& equals) const {
    if (slots_.empty()) return kNone;
    for (size_t i = Home(tag);; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == kNone) return kNone;
      if (slot.tag == tag && equals(slot.id)) return slot.id;
    }
  }
  /// Adds `id` for a key with tag `tag` that the table does not hold.
  void Insert(uint32_t tag, uint32_t id);
  /// Removes `id`, held with tag `tag`. Returns false when the table does not hold it.
  bool Erase(uint32_t tag, uint32_t id);
  /// Removes every id, keeping the slots' memory.
  void Clear();

  /// Returns the number of ids held.
  size_t size() const { return size_; }
  /// Returns the number of slots (a power of two, or 0 before the first Insert).
  size_t capacity() const { return slots_.size(); }

 private:
  struct Slot {
    uint32_t tag = 0;
    uint32_t id = kNone;  // kNone: empty
  };
  static constexpr size_t kMinCapacity = 16;

  /// Returns the first slot to probe for `tag`: its top bits after a multiplicative mix, so
  /// that the tag's other bits still tell keys of one home apart.
  size_t Home(uint32_t tag) const {
    return static_cast<size_t>((static_cast<uint64_t>(tag) * 0x9E3779B97F4A7C15ull) >> shift_) &
           mask_;
  }
  /// Puts `slot` in the first free slot from its home (room is there).
  void Place(Slot slot);
  /// Rebuilds the table with `capacity` slots.
  void Resize(size_t capacity);

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t size_ = 0;
};

}  // namespace sluice::runtime
