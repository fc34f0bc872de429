#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "runtime/value_codec.h"

namespace sluice::runtime {

/// Expires the idle keys of an operator's state in event time (`'table.exec.state.ttl'`, and
/// the OVER frame expiry): a key whose newest access was at time t is expired once the clock
/// reaches t + horizon. The operator calls Access for every use of a key's state (which also
/// checks expiry lazily, so results never depend on when Expire ran) and Expire when its
/// watermark advances, which pops keys from a min-heap ordered by deadline — exactly one entry
/// per tracked key, re-queued at its newest deadline when it was accessed since; no scans.
/// `Key` is std::string (encoded partition keys) or uint32_t (dense ids: group ids, key ids),
/// whose newest accesses are kept in a vector indexed by id, so tracking a key allocates nothing
/// but the vectors' growth. A disabled queue (horizon < 0) does nothing. Single-threaded; owned
/// by one operator.
template <typename Key>
class KeyExpiryQueue {
 public:
  /// `horizon` in milliseconds; negative disables expiry.
  explicit KeyExpiryQueue(int64_t horizon = -1) : horizon_(horizon) {}

  bool enabled() const { return horizon_ >= 0; }
  int64_t horizon() const { return horizon_; }

  /// Records an access of `key` at `time` (not before its previous access). Returns true when
  /// its previous access had expired by `clock` (newest access + horizon <= clock): the caller
  /// must then start the key's state afresh; it is counted as expired and tracked from `time`.
  bool Access(const Key& key, int64_t clock, int64_t time) {
    if (!enabled()) return false;
    int64_t* last = Track(key, time);
    if (last == nullptr) {
      Push(time + horizon_, key);
      return false;
    }
    const bool expired = *last + horizon_ <= clock;
    expired_ += expired ? 1 : 0;
    *last = std::max(*last, time);
    return expired;
  }

  /// Calls `on_expired(key)` for every key with newest access + horizon <= `clock`, in deadline
  /// order (ties by key), and stops tracking them.
  template <typename F>
  void Expire(int64_t clock, F&& on_expired) {
    while (!heap_.empty() && heap_.front().first <= clock) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      Entry entry = std::move(heap_.back());
      heap_.pop_back();
      const int64_t last = *Find(entry.second);
      if (last + horizon_ <= clock) {
        Forget(entry.second);
        ++expired_;
        on_expired(entry.second);
      } else {
        Push(last + horizon_, std::move(entry.second));
      }
    }
  }

  /// Returns the number of keys expired so far (restored with the state).
  int64_t expired_count() const { return expired_; }
  /// Returns the number of keys tracked.
  size_t size() const { return tracked_; }

  /// Writes the counter, the tracked keys and the heap (in its order, so expiry after a restore
  /// happens in the same order).
  void SaveState(StateEncoder* out) const { SaveState(out, &PutKey); }
  /// The same, writing each key with `put_key(key, out)` (an operator saving its dense key ids
  /// as the keys they stand for).
  template <typename PutKeyFn>
  void SaveState(StateEncoder* out, PutKeyFn&& put_key) const {
    out->PutI64(expired_);
    out->PutI64(static_cast<int64_t>(heap_.size()));
    for (const auto& [deadline, key] : heap_) {
      out->PutI64(deadline);
      put_key(key, out);
      out->PutI64(*Find(key));
    }
  }

  Status RestoreState(StateDecoder* in) { return RestoreState(in, &GetKey); }
  /// The same, reading each key with `get_key(in, &key)` (a Status).
  template <typename GetKeyFn>
  Status RestoreState(StateDecoder* in, GetKeyFn&& get_key) {
    last_.clear();
    heap_.clear();
    tracked_ = 0;
    RETURN_IF_ERROR(in->GetI64(&expired_));
    size_t n = 0;
    RETURN_IF_ERROR(ValueCodec::GetCount(in, &n));
    heap_.resize(n);
    for (auto& [deadline, key] : heap_) {
      int64_t last = 0;
      RETURN_IF_ERROR(in->GetI64(&deadline));
      RETURN_IF_ERROR(get_key(in, &key));
      RETURN_IF_ERROR(in->GetI64(&last));
      if (Track(key, last) != nullptr) {
        return Status::DataError("a key of the saved expiry queue appears twice");
      }
    }
    // Keys read through `get_key` may order differently from the saved ones.
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
    return Status::Ok();
  }

 private:
  using Entry = std::pair<int64_t, Key>;  // deadline, key
  static constexpr bool kDense = std::is_integral_v<Key>;

  /// Returns the newest access of `key`, or starts tracking it at `time` and returns nullptr.
  int64_t* Track(const Key& key, int64_t time) {
    if constexpr (kDense) {
      const size_t id = static_cast<size_t>(key);
      if (id >= last_.size()) last_.resize(id + 1);
      if (last_[id]) return &*last_[id];
      last_[id] = time;
    } else {
      auto [it, inserted] = last_.try_emplace(key, time);
      if (!inserted) return &it->second;
    }
    ++tracked_;
    return nullptr;
  }
  /// Returns the newest access of a tracked `key`.
  const int64_t* Find(const Key& key) const {
    if constexpr (kDense) {
      return &*last_[static_cast<size_t>(key)];
    } else {
      return &last_.find(key)->second;
    }
  }
  void Forget(const Key& key) {
    if constexpr (kDense) {
      last_[static_cast<size_t>(key)].reset();
    } else {
      last_.erase(key);
    }
    --tracked_;
  }

  void Push(int64_t deadline, Key key) {
    heap_.emplace_back(deadline, std::move(key));
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  }
  static void PutKey(const Key& key, StateEncoder* out) {
    if constexpr (std::is_same_v<Key, std::string>) {
      out->PutString(key);
    } else {
      out->PutI64(static_cast<int64_t>(key));
    }
  }
  static Status GetKey(StateDecoder* in, Key* key) {
    if constexpr (std::is_same_v<Key, std::string>) {
      return in->GetString(key);
    } else {
      int64_t v = 0;
      RETURN_IF_ERROR(in->GetI64(&v));
      *key = static_cast<Key>(v);
      return Status::Ok();
    }
  }

  int64_t horizon_;
  // Newest access per tracked key (by id for dense keys, nullopt for the ids not tracked).
  std::conditional_t<kDense, std::vector<std::optional<int64_t>>, std::unordered_map<Key, int64_t>>
      last_;
  size_t tracked_ = 0;
  std::vector<Entry> heap_;  // min-heap by (deadline, key)
  int64_t expired_ = 0;
};

}  // namespace sluice::runtime
