#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "common/status.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "runtime/value_codec.h"

namespace sluice::runtime {

/// Expires the idle keys of an operator whose keys are dense ids and whose accesses come in
/// non-decreasing time order (the OVER operator fires rows in rowtime order), as
/// KeyExpiryQueue<uint32_t> does, without its heap: a key whose newest access was at time t is
/// expired once the clock reaches t + horizon. The newest access of each key is kept by the
/// caller, in the key's own state (kUntracked when the key is not tracked), and handed in by
/// pointer (Access) or through `last_of(id)` returning an int64_t& (the others). Each access
/// that moves a key's newest access appends (deadline, id) to a FIFO, in deadline order when the
/// times do not decrease (an earlier deadline is put in its place, which costs a shift); Expire
/// pops the due entries and skips the stale ones (a deadline that is not the key's newest
/// access + horizon); when stale entries outnumber the tracked keys, they are dropped in one
/// pass, so the FIFO stays within twice the tracked keys (plus kSlack). Access checks expiry
/// lazily too, so results never depend on when Expire ran. A disabled queue (horizon < 0) does
/// nothing. Single-threaded; owned by one operator.
class FifoExpiryQueue {
 public:
  static constexpr int64_t kUntracked = std::numeric_limits<int64_t>::min();

  /// `horizon` in milliseconds; negative disables expiry.
  explicit FifoExpiryQueue(int64_t horizon = -1) : horizon_(horizon) {}

  bool enabled() const { return horizon_ >= 0; }
  int64_t horizon() const { return horizon_; }

  /// Records an access of key `id` at `time`; `last` is the key's newest access. Returns true
  /// when that access had expired by `clock` (newest access + horizon <= clock): the caller
  /// must then start the key's state afresh; it is counted as expired and tracked from `time`.
  bool Access(uint32_t id, int64_t* last, int64_t clock, int64_t time);

  /// Calls `on_expired(id)` for every tracked key with newest access + horizon <= `clock`, in
  /// deadline order (ties in the order of their accesses), after setting its newest access to
  /// kUntracked.
  template <typename LastOf, typename F>
  void Expire(int64_t clock, LastOf&& last_of, F&& on_expired) {
    while (head_ < entries_.size() && entries_[head_].deadline <= clock) {
      const Entry entry = entries_[head_++];
      int64_t& last = last_of(entry.id);
      if (!IsCurrent(entry, last)) continue;
      last = kUntracked;
      --tracked_;
      ++expired_;
      on_expired(entry.id);
    }
    if (head_ == entries_.size()) {
      entries_.clear();
      head_ = 0;
    } else if (entries_.size() - head_ > 2 * tracked_ + kSlack) {
      DropStale(last_of);
    } else if (head_ > entries_.size() / 2) {
      entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  /// Returns the number of keys expired so far (restored with the state).
  int64_t expired_count() const { return expired_; }
  /// Returns the number of keys tracked.
  size_t size() const { return tracked_; }
  /// Returns the number of entries queued, stale ones included.
  size_t entries() const { return entries_.size() - head_; }

  /// Writes the counter and, in the order Expire would drop them, each tracked key's deadline,
  /// the key (`put_key(id, out)`) and its newest access: KeyExpiryQueue's layout.
  template <typename LastOf, typename PutKey>
  void SaveState(StateEncoder* out, LastOf&& last_of, PutKey&& put_key) const {
    out->PutI64(expired_);
    out->PutI64(static_cast<int64_t>(tracked_));
    for (size_t i = head_; i < entries_.size(); ++i) {
      const Entry& entry = entries_[i];
      const int64_t last = last_of(entry.id);
      if (!IsCurrent(entry, last)) continue;
      out->PutI64(entry.deadline);
      put_key(entry.id, out);
      out->PutI64(last);
    }
  }

  /// Reads what SaveState (or KeyExpiryQueue's SaveState, whose entries are in heap order)
  /// wrote, reading each key with `get_key(in, &id)` (a Status) and setting its newest access;
  /// the keys must not be tracked. Keys with one deadline expire in the saved order.
  template <typename LastOf, typename GetKey>
  Status RestoreState(StateDecoder* in, LastOf&& last_of, GetKey&& get_key) {
    entries_.clear();
    head_ = 0;
    tracked_ = 0;
    RETURN_IF_ERROR(in->GetI64(&expired_));
    size_t n = 0;
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &n));
    for (size_t i = 0; i < n; ++i) {
      int64_t deadline = 0;
      uint32_t id = 0;
      int64_t newest = 0;
      RETURN_IF_ERROR(in->GetI64(&deadline));
      RETURN_IF_ERROR(get_key(in, &id));
      RETURN_IF_ERROR(in->GetI64(&newest));
      int64_t& last = last_of(id);
      if (last != kUntracked || newest == kUntracked) {
        return Status::DataError("a key of the saved expiry queue appears twice");
      }
      last = newest;
      // A heap entry may be older than the key's newest access; the key is due at the latter.
      entries_.push_back(Entry{newest + horizon_, id});
    }
    tracked_ = n;
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const Entry& a, const Entry& b) { return a.deadline < b.deadline; });
    return Status::Ok();
  }

 private:
  struct Entry {
    int64_t deadline;
    uint32_t id;
  };
  // Stale entries kept at least before a pass drops them.
  static constexpr size_t kSlack = 1024;

  /// Returns whether `entry` is its key's deadline (its key tracked, `last` its newest access).
  bool IsCurrent(const Entry& entry, int64_t last) const {
    return last != kUntracked && entry.deadline == last + horizon_;
  }
  /// Appends (deadline, id), or puts it in deadline order when it is earlier than the last.
  void Push(int64_t deadline, uint32_t id);
  /// Drops the stale and the popped entries, keeping the others' order.
  template <typename LastOf>
  void DropStale(LastOf&& last_of) {
    size_t kept = 0;
    for (size_t i = head_; i < entries_.size(); ++i) {
      if (IsCurrent(entries_[i], last_of(entries_[i].id))) entries_[kept++] = entries_[i];
    }
    entries_.resize(kept);
    head_ = 0;
  }

  int64_t horizon_;
  std::vector<Entry> entries_;  // from head_ on: by deadline, ties in push order
  size_t head_ = 0;
  size_t tracked_ = 0;
  int64_t expired_ = 0;
};

}  // namespace sluice::runtime
