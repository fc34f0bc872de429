#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>

namespace sluice::connectors {

/// Events a scenario has decided on but emits later (a click some events after its impression),
/// ordered by the event number at which each becomes due. Lifecycle: Add events, PopDue once per
/// generated event. Not thread-safe.
template <typename Event>
class DelayedEvents {
 public:
  /// Queues `event` to be emitted as event number `due` or later.
  void Add(int64_t due, Event event) {
    auto at = std::upper_bound(queue_.begin(), queue_.end(), due,
                               [](int64_t d, const Entry& e) { return d < e.due; });
    queue_.insert(at, Entry{due, std::move(event)});
  }

  /// Removes and returns the earliest event due at event number `number`, if any.
  std::optional<Event> PopDue(int64_t number) {
    if (queue_.empty() || queue_.front().due > number) return std::nullopt;
    Event e = std::move(queue_.front().event);
    queue_.pop_front();
    return e;
  }

 private:
  struct Entry {
    int64_t due;
    Event event;
  };
  std::deque<Entry> queue_;
};

}  // namespace sluice::connectors
