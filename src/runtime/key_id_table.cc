#include "runtime/key_id_table.h"

#include <bit>
#include <utility>

namespace sluice::runtime {

void KeyIdTable::Insert(uint32_t tag, uint32_t id) {
  if ((size_ + 1) * 4 > slots_.size() * 3) {
    Resize(slots_.empty() ? kMinCapacity : slots_.size() * 2);
  }
  Place(Slot{tag, id});
  ++size_;
}

bool KeyIdTable::Erase(uint32_t tag, uint32_t id) {
  if (slots_.empty()) return false;
  size_t hole = Home(tag);
  while (slots_[hole].id != id) {
    if (slots_[hole].id == kNone) return false;
    hole = (hole + 1) & mask_;
  }
  // Shift back each following slot of the run that may sit at the hole: one whose home is not
  // in (hole, next] cyclically.
  for (size_t next = (hole + 1) & mask_; slots_[next].id != kNone; next = (next + 1) & mask_) {
    const size_t home = Home(slots_[next].tag);
    const bool stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
    if (stays) continue;
    slots_[hole] = slots_[next];
    hole = next;
  }
  slots_[hole] = Slot{};
  --size_;
  return true;
}

void KeyIdTable::Clear() {
  for (Slot& slot : slots_) slot = Slot{};
  size_ = 0;
}

void KeyIdTable::Place(Slot slot) {
  size_t i = Home(slot.tag);
  while (slots_[i].id != kNone) i = (i + 1) & mask_;
  slots_[i] = slot;
}

void KeyIdTable::Resize(size_t capacity) {
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(capacity));
  mask_ = capacity - 1;
  shift_ = 64 - std::countr_zero(capacity);
  for (const Slot& slot : old) {
    if (slot.id != kNone) Place(slot);
  }
}

}  // namespace sluice::runtime
