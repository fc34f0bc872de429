#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "types/column.h"
#include "types/schema.h"

namespace sluice::connectors {

/// One stock order as the orders scenario emits it (the columns of MySQL `orders_db.orders` plus
/// the change metadata of a CDC event). Strings point at static storage.
struct OrderEvent {
  std::string_view op;  // "c" (insert) or "u" (status update of an earlier order)
  int64_t order_id = 0;
  int64_t user_id = 0;
  std::string_view symbol;
  std::string_view order_type;  // BUY or SELL
  int32_t quantity = 0;
  double price = 0;
  std::string_view status;   // FILLED, PENDING, PARTIALLY_FILLED, CANCELLED
  int64_t source_ts_ms = 0;  // the change time at the source database (event time)
  int64_t cdc_ts_ms = 0;     // when the change was captured: source_ts + a few milliseconds
};

/// The 'orders' scenario of `'connector' = 'datagen'` and `sluice kafka produce --scenario orders`:
/// KRX-style stock orders with a random-walk price per symbol, occasional price spikes (11-16%
/// jumps, 0.4% of orders) and large orders (500-2,000 shares, 0.5%; other orders stay under 300
/// shares and 60M KRW), BUY/SELL, order statuses, user ids 10001-99999 with
/// occasional bursts of 8-15 orders from one user, and a CDC capture delay of a few milliseconds
/// (sometimes a few hundred). Event k depends only on the seed and the events before it, so a
/// generator replayed from the start with the same seed and times emits the same events.
/// Lifecycle: construct, call Next once per event in order. Not thread-safe.
class OrdersScenario {
 public:
  /// The fields a table fed by this scenario may declare, by column name (source_ts and cdc_ts
  /// as TIMESTAMP or BIGINT millis, source_ts_ms and cdc_ts_ms as BIGINT).
  enum class Field {
    kOp,
    kOrderId,
    kUserId,
    kSymbol,
    kOrderType,
    kQuantity,
    kPrice,
    kStatus,
    kSourceTs,
    kCdcTs
  };

  explicit OrdersScenario(uint64_t seed);

  /// Returns the next event, its source time `time_ms` (epoch millis).
  OrderEvent Next(int64_t time_ms);

  /// Returns the event as one line of JSON (no newline): the fields by their names, the times as
  /// epoch millis named source_ts_ms and cdc_ts_ms.
  static std::string ToJson(const OrderEvent& event);

  /// Maps each field of `schema` to a scenario field; kInvalidArgument naming the column when a
  /// name is not one of the scenario's or its type cannot hold the value.
  static Result<std::vector<Field>> ResolveFields(const Schema& schema);

  /// Appends `field` of `event` to `out`, whose type ResolveFields accepted.
  static void Append(Field field, const OrderEvent& event, Column* out);

  /// Returns the symbols the scenario trades.
  static std::vector<std::string_view> Symbols();

 private:
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  int64_t UniformInt(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  double NextPrice(size_t symbol);
  int64_t NextUser();
  int32_t NextQuantity(double price);

  std::mt19937_64 rng_;
  std::vector<double> prices_;  // current price per symbol
  int64_t next_order_id_ = 1;
  int64_t burst_user_ = 0;
  int burst_left_ = 0;
};

}  // namespace sluice::connectors
