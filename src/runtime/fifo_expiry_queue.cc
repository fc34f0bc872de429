#include "runtime/fifo_expiry_queue.h"

namespace sluice::runtime {

bool FifoExpiryQueue::Access(uint32_t id, int64_t* last, int64_t clock, int64_t time) {
  if (!enabled()) return false;
  if (*last == kUntracked) {
    *last = time;
    ++tracked_;
    Push(time + horizon_, id);
    return false;
  }
  const bool expired = *last + horizon_ <= clock;
  expired_ += expired ? 1 : 0;
  if (time > *last) {
    *last = time;
    Push(time + horizon_, id);
  }
  return expired;
}

void FifoExpiryQueue::Push(int64_t deadline, uint32_t id) {
  if (head_ == entries_.size() || entries_.back().deadline <= deadline) {
    entries_.push_back(Entry{deadline, id});
    return;
  }
  auto at =
      std::upper_bound(entries_.begin() + static_cast<std::ptrdiff_t>(head_), entries_.end(),
                       deadline, [](int64_t d, const Entry& entry) { return d < entry.deadline; });
  entries_.insert(at, Entry{deadline, id});
}

}  // namespace sluice::runtime
