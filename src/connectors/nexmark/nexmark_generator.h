#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "connectors/nexmark/event_random.h"
#include "connectors/nexmark/nexmark_config.h"
#include "types/column.h"
#include "types/string_arena.h"

namespace sluice::connectors {

/// Generates the rows of one Nexmark table straight into columns (NexmarkConfig says which
/// specification it follows). Every value of event n is drawn from an EventRandom seeded by (seed,
/// n, field), so rows depend only on the options and the event number: not on batch sizes, on
/// which columns are read, or on whether the other tables are generated at all.
///
/// Values, per the specification:
/// - person: id (the next person id), name (first and last name from fixed lists), emailAddress,
///   creditCard ("dddd dddd dddd dddd"), city and state (fixed lists), dateTime, extra.
/// - auction: id (the next auction id), itemName (<= 20 chars), description (<= 100 chars),
///   initialBid and reserve (= initialBid + another price), dateTime, expires (dateTime + a random
///   length averaging the time 100 auctions take to appear), seller (a hot seller, the first of
///   the newest block of 100 people, with probability 1 - 1/auction.hot-ratio.sellers, else one of
///   the 1000 newest people plus 10 ids ahead), category (10..14), extra.
/// - bid: auction (the first of the newest block of 100 auctions with probability
///   1 - 1/bid.hot-ratio.auctions, else one of the 100 newest plus 10 ahead), bidder (likewise
///   from the people, the second of the block: hot bidders are not hot sellers), price
///   (round(10^(6u) * 100) cents, u uniform in [0,1)), channel and url (one of four hot channels
///   with probability 1/2, else "channel-<k>" of 10,000, whose url carries "&channel_id=<k
///   bit-reversed>" for 9 in 10 of them), dateTime, extra.
/// - extra pads each event to its average size (person.avg-size, ...) +-20 %.
/// Random strings are windows into seeded pools of letters (names and descriptions also hold
/// spaces, 1 in 13, trimmed at both ends): the lengths follow the specification, the bytes are
/// not drawn one by one. Immutable after construction; Append is thread-safe.
class NexmarkGenerator {
 public:
  enum class ValueKind { kBigInt, kString, kTimestamp };
  struct FieldInfo {
    const char* name;
    ValueKind kind;
  };
  /// Returns the columns of `table` as the Nexmark benchmark for Flink names them.
  static const std::vector<FieldInfo>& Fields(NexmarkTable table);

  explicit NexmarkGenerator(const NexmarkConfig& config);

  const NexmarkConfig& config() const { return config_; }

  struct Range {
    int64_t next_event;  // the event after the last one consumed
    size_t rows;         // rows appended
  };
  /// Appends the rows of config().table among events [first, end), at most `max_rows` of them, to
  /// `out`: one entry per field of Fields(table), nullptr for a field not read.
  Range Append(int64_t first, int64_t end, size_t max_rows, const std::vector<Column*>& out) const;

 private:
  void AppendPerson(int64_t n, Column* const* out) const;
  void AppendAuction(int64_t n, Column* const* out) const;
  void AppendBid(int64_t n, Column* const* out) const;
  template <typename AppendOne>
  Range ForEachEvent(int64_t first, int64_t end, size_t max_rows, AppendOne append_one) const;

  int64_t NextBase0PersonId(int64_t n, EventRandom& r) const;
  int64_t NextBase0AuctionId(int64_t n, EventRandom& r) const;
  int64_t NextPrice(EventRandom& r) const;
  int64_t AuctionLengthMs(int64_t n, EventRandom& r) const;
  std::string_view NextString(EventRandom& r, int64_t max_length) const;
  std::string_view NextExtra(EventRandom& r, int64_t current_size, int64_t average_size) const;
  std::string_view PoolWindow(std::string_view pool, EventRandom& r, int64_t length) const;
  void BuildPools();
  void BuildChannels();
  std::string_view Store(std::string_view s);

  NexmarkConfig config_;
  std::shared_ptr<StringArena> arena_;  // pools, names, channels; shared with the columns
  std::string_view letters_;            // random letters
  std::string_view text_;               // random letters and spaces
  struct Channel {
    std::string_view name;
    std::string_view url;
  };
  std::vector<std::string_view> person_names_;
  std::vector<Channel> hot_channels_;  // Google, Facebook, Baidu, Apple
  std::vector<Channel> channels_;      // channel-0 .. channel-9999
};

}  // namespace sluice::connectors
