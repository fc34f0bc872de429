#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"

namespace sluice::connectors {

/// The three logical tables of the Nexmark event stream.
enum class NexmarkTable { kPerson, kAuction, kBid };

/// Returns "person", "auction" or "bid".
const char* NexmarkTableName(NexmarkTable table);

/// The parameters of a Nexmark event stream and the arithmetic of its event numbers, following the
/// Nexmark specification as the Nexmark benchmark for Flink (nexmark-flink 0.2, itself derived
/// from Apache Beam's Nexmark suite) defines it:
///
/// - Event n (0, 1, 2, ...) is, by n modulo the sum of the proportions (1 + 3 + 46 = 50), a new
///   person (offset 0), a new auction (offsets 1-3) or a bid (offsets 4-49).
/// - Person ids and auction ids start at 1000 and grow by one per new person / auction; the
///   "last" id at event n is the newest one created at or before n.
/// - Event n happens at base-time + n * 1000 / first-event.rate milliseconds: event time advances
///   by the inter-event delay (1 s / rate) and is in order.
///
/// Options (the WITH options of a 'connector' = 'nexmark' table, Flink's names where Flink has
/// one): events.num, first-event.rate, next-event.rate (must equal first-event.rate: one rate),
/// rate.limited, person/auction/bid.proportion, bid.hot-ratio.auctions, bid.hot-ratio.bidders,
/// auction.hot-ratio.sellers, person/auction/bid.avg-size; sluice's own: table, seed, base-time.
/// Immutable after Parse.
struct NexmarkConfig {
  /// Ids of the first person, auction and category (the specification's constants).
  static constexpr int64_t kFirstPersonId = 1000;
  static constexpr int64_t kFirstAuctionId = 1000;
  static constexpr int64_t kFirstCategoryId = 10;
  static constexpr int64_t kNumCategories = 5;
  /// Hot auctions, bidders and sellers are the first (bidders: second) of each block of 100 ids.
  static constexpr int64_t kHotIdBlock = 100;
  /// People and auctions a random pick chooses among, and ids it may pick ahead of the newest.
  static constexpr int64_t kNumActivePeople = 1000;
  static constexpr int64_t kNumInFlightAuctions = 100;
  static constexpr int64_t kIdLead = 10;
  /// 1436918400000 = 2015-07-15 00:00:00 UTC, Beam Nexmark's fixed base time: runs repeat.
  static constexpr int64_t kDefaultBaseTimeMs = 1'436'918'400'000;

  /// Reads the options; kInvalidArgument naming the option for a bad or unknown one. `table_name`
  /// chooses the logical table when there is no 'table' option.
  static Result<NexmarkConfig> Parse(const std::map<std::string, std::string>& options,
                                     const std::string& table_name);

  NexmarkTable table = NexmarkTable::kBid;
  int64_t events_num = 0;  // 0: unbounded
  int64_t event_rate = 10000;
  bool rate_limited = false;
  int64_t person_proportion = 1;
  int64_t auction_proportion = 3;
  int64_t bid_proportion = 46;
  int64_t hot_auction_ratio = 2;
  int64_t hot_bidders_ratio = 4;
  int64_t hot_sellers_ratio = 4;
  int64_t person_avg_size = 200;
  int64_t auction_avg_size = 500;
  int64_t bid_avg_size = 100;
  uint64_t seed = 42;
  int64_t base_time_ms = kDefaultBaseTimeMs;

  int64_t total_proportion() const {
    return person_proportion + auction_proportion + bid_proportion;
  }
  /// Returns which table event `n` belongs to.
  NexmarkTable TableOf(int64_t n) const;
  /// Returns the event time of event `n` in epoch milliseconds.
  int64_t TimestampOf(int64_t n) const;
  /// Returns the newest person id (from 0) created at or before event `n`.
  int64_t LastBase0PersonId(int64_t n) const;
  /// Returns the newest auction id (from 0) created at or before event `n` (-1 before the first).
  int64_t LastBase0AuctionId(int64_t n) const;
};

}  // namespace sluice::connectors
