#include "connectors/nexmark/nexmark_config.h"

#include <fmt/format.h>

#include <cctype>

#include "common/civil_time.h"
#include "connectors/connector_options.h"
#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {
namespace {

const std::set<std::string> kKnownOptions = {"connector",
                                             "table",
                                             "events.num",
                                             "first-event.rate",
                                             "next-event.rate",
                                             "rate.limited",
                                             "person.proportion",
                                             "auction.proportion",
                                             "bid.proportion",
                                             "bid.hot-ratio.auctions",
                                             "bid.hot-ratio.bidders",
                                             "auction.hot-ratio.sellers",
                                             "person.avg-size",
                                             "auction.avg-size",
                                             "bid.avg-size",
                                             "seed",
                                             "base-time"};

// Reads an integer option that must be at least `min`.
Status ReadAtLeast(const ConnectorOptions& options, const std::string& key, int64_t min,
                   int64_t* out) {
  ASSIGN_OR_RETURN(*out, options.GetInt(key, *out));
  if (*out < min) {
    return Status::InvalidArgument(fmt::format("option '{}' must be >= {}", key, min));
  }
  return Status::Ok();
}

// Reads a size as Flink's MemorySize writes it: "200b", "1kb", "200" (bytes).
Status ReadByteSize(const ConnectorOptions& options, const std::string& key, int64_t* out) {
  if (!options.Has(key)) return Status::Ok();
  std::string text = std::string(TrimBlanks(options.GetString(key)));
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  std::string unit = std::string(TrimBlanks(std::string_view(text).substr(digits)));
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto value = ParseIntegerText(std::string_view(text).substr(0, digits));
  int64_t scale = unit.empty() || unit == "b" ? 1 : unit == "kb" || unit == "k" ? 1024 : 0;
  if (!value || scale == 0 || *value * scale > (1 << 20)) {
    return Status::InvalidArgument(fmt::format(
        "option '{}' = '{}' is not a size such as '200b' or '1kb' (at most 1 MiB)", key, text));
  }
  *out = *value * scale;
  return Status::Ok();
}

Result<NexmarkTable> ReadTable(const ConnectorOptions& options, const std::string& table_name) {
  std::string name = options.GetString("table", table_name);
  if (name == "person") return NexmarkTable::kPerson;
  if (name == "auction") return NexmarkTable::kAuction;
  if (name == "bid") return NexmarkTable::kBid;
  if (options.Has("table")) {
    return Status::InvalidArgument(fmt::format(
        "option 'table' = '{}' is not a Nexmark table: use 'person', 'auction' or 'bid'", name));
  }
  return Status::InvalidArgument(fmt::format(
      "connector 'nexmark' needs option 'table' ('person', 'auction' or 'bid') for table '{}'",
      table_name));
}

Status ReadRates(const ConnectorOptions& options, NexmarkConfig* c) {
  RETURN_IF_ERROR(ReadAtLeast(options, "first-event.rate", 1, &c->event_rate));
  int64_t next_rate = c->event_rate;
  RETURN_IF_ERROR(ReadAtLeast(options, "next-event.rate", 1, &next_rate));
  if (next_rate != c->event_rate) {
    return Status::InvalidArgument(
        "option 'next-event.rate' must equal 'first-event.rate': the nexmark connector generates "
        "one constant rate (no rate shape)");
  }
  ASSIGN_OR_RETURN(c->rate_limited, options.GetBool("rate.limited", false));
  return Status::Ok();
}

Status ReadShape(const ConnectorOptions& options, NexmarkConfig* c) {
  RETURN_IF_ERROR(ReadAtLeast(options, "person.proportion", 1, &c->person_proportion));
  RETURN_IF_ERROR(ReadAtLeast(options, "auction.proportion", 1, &c->auction_proportion));
  RETURN_IF_ERROR(ReadAtLeast(options, "bid.proportion", 1, &c->bid_proportion));
  RETURN_IF_ERROR(ReadAtLeast(options, "bid.hot-ratio.auctions", 1, &c->hot_auction_ratio));
  RETURN_IF_ERROR(ReadAtLeast(options, "bid.hot-ratio.bidders", 1, &c->hot_bidders_ratio));
  RETURN_IF_ERROR(ReadAtLeast(options, "auction.hot-ratio.sellers", 1, &c->hot_sellers_ratio));
  RETURN_IF_ERROR(ReadByteSize(options, "person.avg-size", &c->person_avg_size));
  RETURN_IF_ERROR(ReadByteSize(options, "auction.avg-size", &c->auction_avg_size));
  return ReadByteSize(options, "bid.avg-size", &c->bid_avg_size);
}

}  // namespace

const char* NexmarkTableName(NexmarkTable table) {
  switch (table) {
    case NexmarkTable::kPerson:
      return "person";
    case NexmarkTable::kAuction:
      return "auction";
    case NexmarkTable::kBid:
      return "bid";
  }
  return "bid";
}

Result<NexmarkConfig> NexmarkConfig::Parse(const std::map<std::string, std::string>& map,
                                           const std::string& table_name) {
  ConnectorOptions options(map);
  for (const auto& [key, value] : map) {
    if (kKnownOptions.count(key) == 0) {
      std::string known;
      for (const auto& k : kKnownOptions) known += (known.empty() ? "" : ", ") + k;
      return Status::InvalidArgument(
          fmt::format("connector 'nexmark' has no option '{}'; it has {}", key, known));
    }
  }
  NexmarkConfig c;
  ASSIGN_OR_RETURN(c.table, ReadTable(options, table_name));
  RETURN_IF_ERROR(ReadAtLeast(options, "events.num", 0, &c.events_num));
  RETURN_IF_ERROR(ReadRates(options, &c));
  RETURN_IF_ERROR(ReadShape(options, &c));
  ASSIGN_OR_RETURN(int64_t seed, options.GetInt("seed", 42));
  c.seed = static_cast<uint64_t>(seed);
  if (options.Has("base-time")) {
    auto t = ParseTimestamp(TrimBlanks(options.GetString("base-time")));
    if (!t) {
      return Status::InvalidArgument(
          fmt::format("option 'base-time' = '{}' is not a timestamp such as '2015-07-15 00:00:00'",
                      options.GetString("base-time")));
    }
    c.base_time_ms = *t;
  }
  return c;
}

NexmarkTable NexmarkConfig::TableOf(int64_t n) const {
  int64_t offset = n % total_proportion();
  if (offset < person_proportion) return NexmarkTable::kPerson;
  if (offset < person_proportion + auction_proportion) return NexmarkTable::kAuction;
  return NexmarkTable::kBid;
}

int64_t NexmarkConfig::TimestampOf(int64_t n) const {
  if (n < (int64_t{1} << 53)) return base_time_ms + n * 1000 / event_rate;
  return base_time_ms + static_cast<int64_t>(static_cast<__int128>(n) * 1000 / event_rate);
}

int64_t NexmarkConfig::LastBase0PersonId(int64_t n) const {
  int64_t epoch = n / total_proportion();
  int64_t offset = n % total_proportion();
  if (offset >= person_proportion) offset = person_proportion - 1;
  return epoch * person_proportion + offset;
}

int64_t NexmarkConfig::LastBase0AuctionId(int64_t n) const {
  int64_t epoch = n / total_proportion();
  int64_t offset = n % total_proportion();
  if (offset < person_proportion) return epoch * auction_proportion - 1;  // the previous epoch's
  if (offset >= person_proportion + auction_proportion) return (epoch + 1) * auction_proportion - 1;
  return epoch * auction_proportion + offset - person_proportion;
}

}  // namespace sluice::connectors
